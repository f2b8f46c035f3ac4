using System.Diagnostics.Metrics;
using Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Tests.Metrics;

/// <summary>Our exposition text, read back by Prometheus' own parser: names, types, labels, escaping, cumulative buckets.</summary>
public sealed class PrometheusTextFormatTests : IDisposable
{
    private const string TrickyLabel = "a \"quoted\" back\\slash\nnew line";

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ServiceProvider _otherHost = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MetricsCollector _collector;
    private readonly Meter _meter;

    public PrometheusTextFormatTests()
    {
        var factory = _services.GetRequiredService<IMeterFactory>();
        _collector = new MetricsCollector(factory, new BuildInfo("silo", "silo-7", () => "model \"x\""));
        _meter = factory.Create(MetricsSelection.ProjectMeterPrefix + "FormatTest");
    }

    public void Dispose()
    {
        _collector.Dispose();
        _services.Dispose();
        _otherHost.Dispose();
    }

    [Fact]
    public async Task Counters_end_in_total_carry_units_and_escape_label_values()
    {
        var requests = _meter.CreateCounter<long>("format.requests", "{request}", "Requests \\ with a\nline break in help");
        requests.Add(3, new KeyValuePair<string, object?>("kind", TrickyLabel));
        requests.Add(2, new KeyValuePair<string, object?>("kind", "plain"));
        requests.Add(1, new KeyValuePair<string, object?>("kind", "plain"));
        _meter.CreateCounter<double>("format.busy", "s").Add(1.5);

        var families = await ScrapeAsync();

        var family = Family(families, "format_requests");
        Assert.Equal("counter", family.Type);
        Assert.Equal("Requests \\ with a\nline break in help", family.Help);
        Assert.Equal(3, family.Value("format_requests_total", ("kind", TrickyLabel)));
        Assert.Equal(3, family.Value("format_requests_total", ("kind", "plain")));
        Assert.Equal(1.5, Family(families, "format_busy_seconds").Value("format_busy_seconds_total"));
    }

    [Fact]
    public async Task Histograms_have_cumulative_buckets_up_to_Inf_with_sum_and_count()
    {
        var latency = _meter.CreateHistogram<double>("format.latency", "s", "Latency");
        foreach (double value in new[] { 0.0003, 0.003, 0.003, 20 })
        {
            latency.Record(value, new KeyValuePair<string, object?>("route", "/predict"));
        }
        var size = _meter.CreateHistogram("format.size", "{text}", "Sizes", null, new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4] });
        foreach (int texts in new[] { 1, 3, 5 })
        {
            size.Record(texts);
        }

        var families = await ScrapeAsync();

        var seconds = Family(families, "format_latency_seconds");
        Assert.Equal("histogram", seconds.Type);
        var buckets = seconds.Samples.Where(s => s.Name == "format_latency_seconds_bucket").ToList();
        Assert.Equal([.. HistogramBuckets.Seconds.Select(b => b), double.PositiveInfinity], buckets.Select(b => LeOf(b)));
        Assert.All(buckets, b => Assert.Equal("/predict", b.Labels["route"]));
        Assert.Equal(1, seconds.Value("format_latency_seconds_bucket", ("le", "0.0005")));
        Assert.Equal(1, seconds.Value("format_latency_seconds_bucket", ("le", "0.0025")));
        Assert.Equal(3, seconds.Value("format_latency_seconds_bucket", ("le", "0.005")));
        Assert.Equal(3, seconds.Value("format_latency_seconds_bucket", ("le", "10")));
        Assert.Equal(4, seconds.Value("format_latency_seconds_bucket", ("le", "+Inf")));
        Assert.Equal(4, seconds.Value("format_latency_seconds_count"));
        Assert.Equal(20.0063, seconds.Value("format_latency_seconds_sum"), 9);
        // Cumulative: never decreasing.
        Assert.Equal(buckets.Select(b => b.Value).Order(), buckets.Select(b => b.Value));

        var sizes = Family(families, "format_size");
        Assert.Equal([1, 1, 2, 3], sizes.Samples.Where(s => s.Name == "format_size_bucket").Select(s => s.Value));
        Assert.Equal(9, sizes.Value("format_size_sum"));
    }

    [Fact]
    public async Task Gauges_report_observed_and_summed_values_with_units()
    {
        _meter.CreateObservableGauge("format.depth", () => new Measurement<int>(7, new KeyValuePair<string, object?>("shard", "x")), "{item}");
        var open = _meter.CreateUpDownCounter<long>("format.open", "By");
        open.Add(10);
        open.Add(-4);

        var families = await ScrapeAsync();

        Assert.Equal("gauge", Family(families, "format_depth").Type);
        Assert.Equal(7, Family(families, "format_depth").Value("format_depth", ("shard", "x")));
        Assert.Equal(6, Family(families, "format_open_bytes").Value("format_open_bytes"));
    }

    [Fact]
    public async Task Only_this_hosts_project_meters_are_exported_plus_process_and_build_info()
    {
        _meter.CreateCounter<long>("format.mine").Add(1);
        using var foreignMeter = new Meter("Some.Library");
        foreignMeter.CreateCounter<long>("library.calls").Add(1);
        _otherHost.GetRequiredService<IMeterFactory>().Create(MetricsSelection.ProjectMeterPrefix + "FormatTest").CreateCounter<long>("format.other_host").Add(1);

        var families = await ScrapeAsync();
        var names = families.Select(f => f.Name).ToHashSet();

        Assert.Contains("format_mine", names);
        Assert.DoesNotContain("library_calls", names);
        Assert.DoesNotContain("format_other_host", names);
        Assert.True(Family(families, "process_cpu_seconds").Value("process_cpu_seconds_total") > 0);
        Assert.True(Family(families, "process_resident_memory_bytes").Value("process_resident_memory_bytes") > 1_000_000);
        double start = Family(families, "process_start_time_seconds").Value("process_start_time_seconds");
        Assert.InRange(start, DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        Assert.True(Family(families, "dotnet_gc_heap_size_bytes").Value("dotnet_gc_heap_size_bytes") > 0);
        Assert.Equal(1, Family(families, "build_info").Value("build_info", ("role", "silo"), ("silo_id", "silo-7"), ("model_id", "model \"x\"")));
    }

    [Fact]
    public async Task A_counter_nothing_was_recorded_in_reads_zero()
    {
        _meter.CreateCounter<long>("format.never");

        var families = await ScrapeAsync();

        Assert.Equal(0, Family(families, "format_never").Value("format_never_total"));
    }

    [Theory]
    [InlineData("http.server.request.duration", "s", MetricType.Histogram, "http_server_request_duration_seconds")]
    [InlineData("inference.batches", "{batch}", MetricType.Counter, "inference_batches_total")]
    [InlineData("process.memory", "By", MetricType.Gauge, "process_memory_bytes")]
    [InlineData("requests_total", null, MetricType.Counter, "requests_total")]
    [InlineData("9lives-and.more", null, MetricType.Gauge, "_lives_and_more")]
    public void Instrument_names_map_to_Prometheus_names(string instrument, string? unit, MetricType type, string expected) =>
        Assert.Equal(expected, PrometheusNaming.MetricName(instrument, unit, type));

    [Fact]
    public void Quantiles_interpolate_within_buckets_of_the_window()
    {
        var earlier = new HistogramSnapshot([0.001, 0.01, 0.1], [5, 5, 5, 5], 0.002);
        var now = new HistogramSnapshot([0.001, 0.01, 0.1], [5, 5, 105, 105], 1);

        Assert.Null(earlier.Quantile(0.5, earlier));
        Assert.Equal(0.055, now.Quantile(0.5, earlier)!.Value, 9);
        Assert.Equal(0.0991, now.Quantile(0.99, earlier)!.Value, 9);
        Assert.Equal(0.0005, earlier.Quantile(0.5)!.Value, 9);
    }

    private async Task<IReadOnlyList<ParsedFamily>> ScrapeAsync() =>
        await PrometheusReference.ParseAsync(PrometheusTextWriter.Write(_collector.Collect()));

    private static ParsedFamily Family(IReadOnlyList<ParsedFamily> families, string name) =>
        families.SingleOrDefault(f => f.Name == name) ?? throw new Xunit.Sdk.XunitException($"No family {name} in: {string.Join(", ", families.Select(f => f.Name))}");

    private static double LeOf(ParsedSample bucket) =>
        bucket.Labels["le"] == "+Inf" ? double.PositiveInfinity : double.Parse(bucket.Labels["le"], System.Globalization.CultureInfo.InvariantCulture);
}
