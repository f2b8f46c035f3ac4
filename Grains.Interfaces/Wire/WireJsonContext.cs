using System.Text.Json;
using System.Text.Json.Serialization;

namespace Grains.Interfaces.Wire;

/// <summary>Source-generated JSON for the internal API's JSON answers (<c>GET /internal/model</c>).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ModelDescriptor))]
public sealed partial class WireJsonContext : JsonSerializerContext;
