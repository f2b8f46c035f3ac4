using PredictionCluster.Inference.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace PredictionCluster.Grains.Hosting;

/// <summary>
/// Runs a host and turns the failures an operator can fix (no model, bad configuration, no ONNX Runtime)
/// into one clear line on stderr and exit code 1, instead of a stack trace.
/// </summary>
public static class StartupGuard
{
    /// <param name="build">Builds the host: building may already fail (the model is opened while the silo is wired).</param>
    public static async Task<int> RunAsync(Func<IHost> build)
    {
        try
        {
            using var host = build();
            var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
            try
            {
                await host.RunAsync();
            }
            catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                // Told to stop while still starting (SIGTERM while the API's client waits for a gateway): a normal stop.
            }
            return 0;
        }
        catch (Exception e) when (Unwrap(e) is ModelLoadException or OptionsValidationException or OnnxRuntimeException or DllNotFoundException or FileNotFoundException)
        {
            await Console.Error.WriteLineAsync($"startup failed: {Unwrap(e).Message}");
            return 1;
        }
    }

    private static Exception Unwrap(Exception e) =>
        e is AggregateException { InnerExceptions.Count: 1 } aggregate ? Unwrap(aggregate.InnerExceptions[0])
        : e is System.Reflection.TargetInvocationException { InnerException: { } inner } ? Unwrap(inner)
        : e;
}
