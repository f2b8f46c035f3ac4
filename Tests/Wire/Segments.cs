using System.Buffers;

namespace Tests.Wire;

/// <summary>Builds multi-segment sequences, as a request body arrives from Kestrel's pipe, to test readers across segment boundaries.</summary>
internal static class Segments
{
    /// <summary><paramref name="bytes"/> cut into segments of <paramref name="size"/> bytes (the last may be shorter).</summary>
    public static ReadOnlySequence<byte> Split(ReadOnlyMemory<byte> bytes, int size)
    {
        if (bytes.Length <= size)
        {
            return new ReadOnlySequence<byte>(bytes);
        }
        var first = new Segment(bytes[..size], 0);
        var last = first;
        for (int start = size; start < bytes.Length; start += size)
        {
            last = last.Append(bytes[start..Math.Min(start + size, bytes.Length)]);
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
