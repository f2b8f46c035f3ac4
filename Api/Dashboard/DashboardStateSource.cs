using Metrics;

namespace Api.Dashboard;

/// <summary>
/// Assembles <see cref="DashboardState"/>: the API's own request figures plus every member's, with rates and
/// percentiles over the last <see cref="Window"/>. The state is cached for <see cref="CacheFor"/> and built by one
/// caller at a time, so any number of open dashboards cost the silos one stats call each per second.
/// </summary>
public sealed class DashboardStateSource(IMemberStatsSource members, MetricsCollector local, BuildInfo build, TimeProvider time) : IDisposable
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(1);

    private const string ApiSource = "\0api";
    private const string PredictRoute = "/predict";
    private const string Requests = "http_server_request_duration_seconds";
    private const string Predictions = "predictions_total";
    private const string BatchSize = "inference_batch_size";
    private const string BatchDuration = "inference_batch_duration_seconds";
    /// <summary>Orleans' activation count by grain type (its meter <c>Microsoft.Orleans</c>, instrument <c>orleans-grains</c>).</summary>
    private const string GrainActivations = "orleans_grains";
    /// <summary>Orleans' grain type name of PredictionGrain (the class name without "Grain", lower case).</summary>
    private const string PredictionGrainType = "prediction";

    private readonly SemaphoreSlim _building = new(1, 1);
    /// <summary>Snapshots per source (the API, each member id), oldest first, trimmed to a little over the window.</summary>
    private readonly Dictionary<string, List<(DateTimeOffset At, IReadOnlyList<MetricFamily> Families)>> _history = [];
    private volatile DashboardState? _cached;

    public async Task<DashboardState> GetAsync(CancellationToken cancellationToken)
    {
        if (Fresh(_cached) is { } cached)
        {
            return cached;
        }
        await _building.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Fresh(_cached) ?? (_cached = await BuildAsync(cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            _building.Release();
        }
    }

    public void Dispose() => _building.Dispose();

    private DashboardState? Fresh(DashboardState? state) => state is not null && time.GetUtcNow() - state.At < CacheFor ? state : null;

    private async Task<DashboardState> BuildAsync(CancellationToken cancellationToken)
    {
        var readings = await members.ReadAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var api = WindowOf(ApiSource, local.Collect(), now);

        var rows = new List<DashboardMember>(readings.Count);
        var windows = new List<FiguresWindow>(readings.Count);
        foreach (var reading in readings)
        {
            if (reading.Families is null)
            {
                rows.Add(new DashboardMember(reading.Id, reading.Endpoint, reading.Status, reading.HeartbeatAgeSeconds, reading.Error,
                    null, null, null, null, null, null, null, null, null, null, null));
                continue;
            }
            var window = WindowOf(reading.Id, reading.Families, now);
            windows.Add(window);
            var inference = window.Delta(BatchDuration);
            rows.Add(new DashboardMember(reading.Id, reading.Endpoint, reading.Status, reading.HeartbeatAgeSeconds, reading.Error,
                window.Value(GrainActivations, s => s.Label("grain_type") == PredictionGrainType),
                window.Value("inference_queue_depth"),
                window.Rate(Predictions),
                HitRatio(window.Rate(Predictions, Tier("memory")), window.Rate(Predictions, Tier("storage")), window.Rate(Predictions)),
                window.Rate("inference_batches_total"),
                Mean(window.Delta(BatchSize)),
                Milliseconds(inference?.Quantile(0.50)),
                Milliseconds(inference?.Quantile(0.95)),
                Milliseconds(inference?.Quantile(0.99)),
                window.Rate("process_cpu_seconds_total"),
                window.Value("process_resident_memory_bytes")));
        }

        var requests = api.Delta(Requests, s => s.Label("route") == PredictRoute && s.Label("status") == "200");
        var memory = Sum(windows.Select(w => w.Rate(Predictions, Tier("memory"))));
        var storage = Sum(windows.Select(w => w.Rate(Predictions, Tier("storage"))));
        var all = Sum(windows.Select(w => w.Rate(Predictions)));
        var inferenceAll = FiguresWindow.Merge(windows.Select(w => w.Delta(BatchDuration)));
        var totals = new DashboardTotals(
            RequestsPerSecond: api.Rate(Requests, s => s.Label("route") == PredictRoute),
            ErrorsPerSecond: api.Rate(Requests, s => s.Label("route") == PredictRoute && Status(s) >= 500),
            ClientErrorsPerSecond: api.Rate(Requests, s => s.Label("route") == PredictRoute && Status(s) is >= 400 and < 500),
            RejectedPerSecond: api.Rate("api_rejected_requests_total"),
            RequestP50Ms: Milliseconds(requests?.Quantile(0.50)),
            RequestP95Ms: Milliseconds(requests?.Quantile(0.95)),
            RequestP99Ms: Milliseconds(requests?.Quantile(0.99)),
            RequestsTotal: api.Total(Requests, s => s.Label("route") == PredictRoute),
            PredictionsPerSecond: all,
            MemoryPerSecond: memory,
            StoragePerSecond: storage,
            InferencePerSecond: Sum(windows.Select(w => w.Rate(Predictions, Tier("inference")))),
            HitRatio: HitRatio(memory, storage, all),
            PredictionsTotal: windows.Sum(w => w.Total(Predictions)),
            Activations: rows.Sum(r => r.Activations ?? 0),
            QueueDepth: rows.Sum(r => r.QueueDepth ?? 0),
            BatchSizeMean: Mean(FiguresWindow.Merge(windows.Select(w => w.Delta(BatchSize)))),
            InferenceP50Ms: Milliseconds(inferenceAll?.Quantile(0.50)),
            InferenceP95Ms: Milliseconds(inferenceAll?.Quantile(0.95)),
            InferenceP99Ms: Milliseconds(inferenceAll?.Quantile(0.99)),
            LiveMembers: rows.Count(r => r.Status is MemberStatus.Live or MemberStatus.Unreachable));
        return new DashboardState(now, members.Mode, build.ModelId, Window.TotalSeconds, totals, rows);
    }

    /// <summary>Records <paramref name="families"/> as the source's newest snapshot and pairs it with the one a window ago.</summary>
    private FiguresWindow WindowOf(string source, IReadOnlyList<MetricFamily> families, DateTimeOffset now)
    {
        if (!_history.TryGetValue(source, out var history))
        {
            _history[source] = history = [];
        }
        // Keep the newest snapshot at least a window old as the baseline, and nothing older.
        while (history.Count > 1 && now - history[1].At >= Window)
        {
            history.RemoveAt(0);
        }
        if (history.Count > 0 && now - history[^1].At > 2 * Window)
        {
            // Nobody looked for a while: an average over that long would not be "now".
            history.Clear();
        }
        var baseline = history.Count > 0 ? history[0] : default;
        history.Add((now, families));
        return baseline.Families is null
            ? new FiguresWindow(families, null, 0)
            : new FiguresWindow(families, baseline.Families, (now - baseline.At).TotalSeconds);
    }

    private static Func<MetricSample, bool> Tier(string tier) => s => s.Label("tier") == tier;

    private static int Status(MetricSample sample) => int.TryParse(sample.Label("status"), out int status) ? status : 0;

    private static double? Sum(IEnumerable<double?> values)
    {
        double? sum = null;
        foreach (var value in values)
        {
            if (value is { } v)
            {
                sum = (sum ?? 0) + v;
            }
        }
        return sum;
    }

    private static double? HitRatio(double? memory, double? storage, double? all) =>
        all is > 0 ? ((memory ?? 0) + (storage ?? 0)) / all : null;

    private static double? Mean(HistogramSnapshot? histogram) => histogram is { Count: > 0 } h ? h.Sum / h.Count : null;

    private static double? Milliseconds(double? seconds) => seconds * 1000;
}
