using System.Collections.Immutable;
using PredictionCluster.Grains.Interfaces;

namespace PredictionCluster.Api.Payloads;

/// <summary>
/// One sampled text as the request left it, queued for the writer: only references and values, so that the request
/// pays for an allocation and nothing else (the key's hash, the label and the serialization are the writer's work).
/// </summary>
public sealed record PayloadRecord(
    DateTimeOffset Time,
    ModelDescriptor Model,
    string Text,
    ImmutableArray<float> Scores,
    PredictionSource Source,
    TimeSpan Latency,
    double SampleRate);
