using System.Collections.Immutable;
using Grains.Hosting;
using Inference.Model;
using Grains.Interfaces;
using Grains.Placement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace Grains.Prediction;

/// <summary>
/// The owner of one text's prediction: its state (the scores) is the cache entry, read from grain storage
/// when the grain activates and written there after an inference. Calls are turn-based, so concurrent asks
/// for a new text wait for the one inference (single flight). Storage is a cache tier, never a dependency:
/// a failed read or write is a miss or a lost copy, never a failed call.
/// </summary>
[ModelHashPlacement]
internal sealed partial class PredictionGrain(
    [FromKeyedServices(PredictionStorage.Name)] IGrainStorage storage,
    SentimentModel model,
    StorageHealth storageHealth,
    MemoryPressure memoryPressure,
    ILogger<PredictionGrain> logger) : Grain, IPredictionGrain
{
    private const string StateName = "scores";

    private readonly GrainState<PredictionState> _state = new(new PredictionState());
    private bool _servesModel;

    /// <summary>The cached scores; default until known.</summary>
    private ImmutableArray<float> Scores
    {
        get => _state.State?.Scores ?? default;
        set => (_state.State ??= new PredictionState()).Scores = value;
    }
    private bool _storageRead;
    /// <summary>A <see cref="PredictAsync"/> call is in progress (calls are not reentrant: at most one).</summary>
    private bool _running;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Placement puts a grain on a silo of its key's model whenever one exists; during a rolling upgrade a
        // key of a model no silo serves any more can still land here, and must not get this model's scores.
        _servesModel = PredictionGrainKey.ModelIdOf(this.GetPrimaryKeyString()).SequenceEqual(model.ModelId);
        return Task.CompletedTask;
    }

    public async ValueTask<PredictionResult> PredictAsync(string text, AdmissionTicket ticket, CancellationToken cancellationToken)
    {
        if (!Scores.IsDefault)
        {
            return new PredictionResult(PredictionStatus.Ok, Scores, PredictionSource.Memory);
        }
        _running = true;
        try
        {
            return await ComputeAsync(text, ticket, cancellationToken);
        }
        finally
        {
            _running = false;
        }
    }

    /// <summary>The answer of a grain without scores in memory: from storage, or inferred.</summary>
    private async ValueTask<PredictionResult> ComputeAsync(string text, AdmissionTicket ticket, CancellationToken cancellationToken)
    {
        if (!_servesModel)
        {
            DeactivateOnIdle();
            return PredictionResult.OtherModel;
        }
        if (!_storageRead && await TryReadStorageAsync())
        {
            LeaveIfMemoryIsShort();
            return new PredictionResult(PredictionStatus.Ok, Scores, PredictionSource.Storage);
        }

        var inferred = await GrainFactory.GetGrain<IInferenceGrain>(0).InferAsync(text, ticket, cancellationToken);
        if (inferred.Status != PredictionStatus.Ok)
        {
            // Overload is not cached: the next ask tries again, and an activation without scores holds nothing worth
            // its memory until then.
            DeactivateOnIdle();
            return inferred;
        }
        Scores = inferred.Scores;
        await TryWriteStorageAsync();
        LeaveIfMemoryIsShort();
        return inferred;
    }

    public ValueTask<bool> ProbeAsync() => ValueTask.FromResult(_running);

    /// <summary>Above the shedding level the answer is not kept in memory (the API's near cache and storage still have it).</summary>
    private void LeaveIfMemoryIsShort()
    {
        if (memoryPressure.IsHigh)
        {
            DeactivateOnIdle();
        }
    }

    /// <summary>True when storage held the scores. Any failure counts as a miss (once per activation).</summary>
    private async Task<bool> TryReadStorageAsync()
    {
        _storageRead = true;
        try
        {
            await storage.ReadStateAsync(StateName, this.GetGrainId(), _state);
            storageHealth.RecordSuccess();
            return !Scores.IsDefaultOrEmpty && Scores.Length == model.LabelCount;
        }
        catch (Exception e)
        {
            storageHealth.RecordFailure(e);
            _state.State = new PredictionState();
            _state.ETag = null;
            return false;
        }
    }

    private async Task TryWriteStorageAsync()
    {
        try
        {
            await storage.WriteStateAsync(StateName, this.GetGrainId(), _state);
            storageHealth.RecordSuccess();
        }
        catch (InconsistentStateException)
        {
            // Another activation (a silo that was thought dead, or a read that failed) stored this key
            // first. Predictions are pure functions of model and text: its copy is as good as ours.
            LogConcurrentWrite(this.GetPrimaryKeyString());
        }
        catch (Exception e)
        {
            storageHealth.RecordFailure(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Prediction {Key} was already stored by another activation")]
    private partial void LogConcurrentWrite(string key);
}
