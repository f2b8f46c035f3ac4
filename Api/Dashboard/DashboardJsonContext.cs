using System.Text.Json;
using System.Text.Json.Serialization;

namespace Api.Dashboard;

/// <summary>The dashboard's JSON, source-generated; camelCase for the page's script.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(DashboardState))]
public sealed partial class DashboardJsonContext : JsonSerializerContext;
