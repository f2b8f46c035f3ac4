using System.Text.Json;
using System.Text.Json.Serialization;

namespace PredictionCluster.Api.Apis;

/// <summary>Source-generated JSON for <c>GET /info</c> (camelCase, as the rest of the API).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ServiceInfo))]
internal sealed partial class InfoJsonContext : JsonSerializerContext;
