using System.Text.Json.Serialization;

namespace Grains.Membership;

/// <summary>Source-generated JSON for member table rows (readable with <c>redis-cli hgetall</c>).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(MembershipEntry))]
internal sealed partial class MembershipJsonContext : JsonSerializerContext;
