using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Grains.Prediction;

/// <summary>Collects idle activations on a timer.</summary>
public sealed class ActivationCollector(ActivationTable table, IOptions<ActivationOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CollectionInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            table.Collect();
        }
    }
}
