using System.Collections;

namespace PredictionCluster.Inference.Tokenization;

/// <summary>
/// The word ranges of one pre-tokenized text, reused per thread: the package's PreTokenizer contract returns an
/// IEnumerable, and a fresh one (list, iterator or boxed enumerator) per text would be garbage on the service's hot
/// path. The sequence is its own enumerator, so enumerating it allocates nothing either. Valid until the next
/// <see cref="StartForCurrentThread"/> on the same thread.
/// </summary>
internal sealed class WordSplits : IEnumerable<(int Offset, int Length)>, IEnumerator<(int Offset, int Length)>
{
    // A very long text without whitespace can grow the array a lot; past this it is not kept for the next text.
    private const int RetainedCapacity = 4096;
    private const int InitialCapacity = 64;

    [ThreadStatic]
    private static WordSplits? s_current;

    private (int Offset, int Length)[] _items = new (int Offset, int Length)[InitialCapacity];
    private int _count;
    private int _index = -1;

    public (int Offset, int Length) Current => _items[_index];

    object IEnumerator.Current => Current;

    /// <summary>The calling thread's instance, emptied.</summary>
    public static WordSplits StartForCurrentThread()
    {
        WordSplits splits = s_current ??= new WordSplits();
        if (splits._items.Length > RetainedCapacity)
        {
            splits._items = new (int Offset, int Length)[InitialCapacity];
        }

        splits._count = 0;
        splits._index = -1;
        return splits;
    }

    public void Add((int Offset, int Length) word)
    {
        if (_count == _items.Length)
        {
            Array.Resize(ref _items, 2 * _items.Length);
        }

        _items[_count++] = word;
    }

    public IEnumerator<(int Offset, int Length)> GetEnumerator()
    {
        _index = -1;
        return this;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool MoveNext() => ++_index < _count;

    public void Reset() => _index = -1;

    public void Dispose()
    {
        // Nothing to release: the instance is reused by the next text on this thread.
    }
}
