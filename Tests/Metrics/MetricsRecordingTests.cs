using System.Diagnostics.Metrics;
using Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Tests.Metrics;

/// <summary>Recording is on the request path: once a label set exists, recording into it allocates nothing.</summary>
public sealed class MetricsRecordingTests
{
    [Fact]
    public void Recording_into_an_existing_label_set_allocates_nothing()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        using var collector = new MetricsCollector(factory, new BuildInfo("test", null, () => null));
        var meter = factory.Create(MetricsSelection.ProjectMeterPrefix + "RecordingTest");
        var histogram = meter.CreateHistogram<double>("recording.duration", "s");
        var counter = meter.CreateCounter<long>("recording.requests");
        // Tags as ASP.NET Core passes them: boxed once by the caller, several per measurement.
        KeyValuePair<string, object?>[] tags = [new("route", "/predict"), new("method", "POST"), new("status", (object)200)];
        histogram.Record(0.001, tags);
        counter.Add(1, tags);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            histogram.Record(0.001 * (i % 50), tags);
            counter.Add(1, tags);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        var requests = collector.Collect().Single(f => f.Name == "recording_requests_total");
        Assert.Equal(10_001, requests.Samples.Single().Value);
    }

    [Fact]
    public void The_same_labels_in_another_order_are_one_series()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        using var collector = new MetricsCollector(factory, new BuildInfo("test", null, () => null));
        var counter = factory.Create(MetricsSelection.ProjectMeterPrefix + "RecordingTest").CreateCounter<long>("recording.calls");

        counter.Add(1, new KeyValuePair<string, object?>("a", "1"), new KeyValuePair<string, object?>("b", "2"));
        counter.Add(2, new KeyValuePair<string, object?>("b", "2"), new KeyValuePair<string, object?>("a", "1"));

        var sample = collector.Collect().Single(f => f.Name == "recording_calls_total").Samples.Single();
        Assert.Equal(3, sample.Value);
        Assert.Equal(["a", "b"], sample.Labels.Select(l => l.Key));
    }
}
