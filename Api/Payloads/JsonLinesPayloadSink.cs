using System.Text.Json;
using Microsoft.Extensions.Options;

namespace PredictionCluster.Api.Payloads;

/// <summary>
/// The payload log without an OTLP endpoint: one JSON object a line, appended to <c>PayloadLog:FilePath</c>. The file
/// is opened at the first record (an idle log leaves no file), readable by others while written (a shipper may tail
/// it), and renamed to <c>{path}.1</c> at <c>PayloadLog:MaxFileBytes</c> so that it cannot fill the disk.
/// </summary>
public sealed class JsonLinesPayloadSink : IPayloadSink
{
    /// <summary>The file's name in the temporary directory when no path is configured.</summary>
    public const string DefaultFileName = "prediction-payload.jsonl";

    private readonly long _maxBytes;
    private FileStream? _file;
    private Utf8JsonWriter? _json;

    public JsonLinesPayloadSink(IOptions<PayloadLogOptions> options, IHostEnvironment environment)
    {
        Path = ResolvePath(options.Value.FilePath, environment.ContentRootPath);
        _maxBytes = options.Value.MaxFileBytes;
    }

    /// <summary>The file written.</summary>
    public string Path { get; }

    /// <summary>Where <paramref name="configured"/> points: the temporary directory's default file when empty, relative paths under <paramref name="contentRoot"/>.</summary>
    public static string ResolvePath(string configured, string contentRoot) =>
        string.IsNullOrWhiteSpace(configured)
            ? System.IO.Path.Combine(System.IO.Path.GetTempPath(), DefaultFileName)
            : System.IO.Path.GetFullPath(configured, contentRoot);

    public void Write(PayloadEntry entry)
    {
        if (_file is null || _json is null)
        {
            Open();
        }
        else if (_file.Length >= _maxBytes)
        {
            Close();
            File.Move(Path, Path + ".1", overwrite: true);
            Open();
        }
        JsonSerializer.Serialize(_json!, entry, PayloadLogJsonContext.Default.PayloadEntry);
        _json!.Flush();
        _json.Reset();
        _file!.WriteByte((byte)'\n');
    }

    public void Flush() => _file?.Flush();

    public void Dispose() => Close();

    private void Open()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 64 * 1024);
        _json = new Utf8JsonWriter(_file);
    }

    private void Close()
    {
        _json?.Dispose();
        _file?.Dispose();
        _json = null;
        _file = null;
    }
}
