using Grains.Interfaces;

namespace Silo.Internal;

/// <summary>A decoded <c>POST /internal/predict</c> body: the model id and items, or why they are refused (400).</summary>
internal sealed record PredictBody(string? ModelId, PredictionItem[]? Items, string? Error);
