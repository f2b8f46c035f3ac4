using YamlDotNet.RepresentationModel;

namespace Tests.Helm;

/// <summary>The documents of one <c>helm template</c> output.</summary>
public sealed class RenderedChart
{
    private RenderedChart(IReadOnlyList<Manifest> manifests) => Manifests = manifests;

    public IReadOnlyList<Manifest> Manifests { get; }

    public static RenderedChart Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return new RenderedChart(stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().Select(n => new Manifest(n)).ToArray());
    }

    public IEnumerable<Manifest> OfKind(string kind) => Manifests.Where(m => m.Kind == kind);

    /// <summary>The one manifest of <paramref name="kind"/> whose name ends with <paramref name="suffix"/>.</summary>
    public Manifest Single(string kind, string suffix) => OfKind(kind).Single(m => m.Name.EndsWith(suffix, StringComparison.Ordinal));

    /// <summary>
    /// The one manifest of <paramref name="kind"/> of a component (label <c>app.kubernetes.io/component</c>): "redis" (the
    /// member table's), "predictions-redis", "silo", "api". Names cannot tell the two Redis apart by suffix.
    /// </summary>
    public Manifest Component(string kind, string component) =>
        OfKind(kind).Single(m => m.Labels.GetValueOrDefault("app.kubernetes.io/component") == component);

    /// <summary>Deployments and StatefulSets.</summary>
    public IEnumerable<Manifest> Workloads => Manifests.Where(m => m.IsWorkload);

    /// <summary>The workloads whose pods <paramref name="selector"/> selects.</summary>
    public Manifest[] WorkloadsSelectedBy(IReadOnlyDictionary<string, string> selector) =>
        Workloads.Where(w => selector.Selects(w.PodLabels)).ToArray();

    public SortedDictionary<string, int> KindCounts() => new(Manifests.GroupBy(m => m.Kind).ToDictionary(g => g.Key, g => g.Count()));
}

/// <summary>One rendered Kubernetes object.</summary>
public sealed class Manifest(YamlMappingNode root)
{
    public YamlMappingNode Root { get; } = root;

    public string Kind => Root.Text("kind")!;

    public string Name => Root.Text("metadata", "name")!;

    public override string ToString() => $"{Kind}/{Name}";

    public bool IsWorkload => Kind is "Deployment" or "StatefulSet";

    public YamlNode? PodSpec => Root.At("spec", "template", "spec");

    public Dictionary<string, string> PodLabels => Root.Strings("spec", "template", "metadata", "labels");

    public Dictionary<string, string> Labels => Root.Strings("metadata", "labels");

    public IEnumerable<YamlNode> Containers => PodSpec.Items("containers");

    public IEnumerable<YamlNode> InitContainers => PodSpec.Items("initContainers");

    /// <summary>The container port number of a port name or number, over every container of the pod.</summary>
    public int? ContainerPort(string nameOrNumber) =>
        Containers.SelectMany(c => c.Items("ports"))
            .Where(p => p.Text("name") == nameOrNumber || p.Text("containerPort") == nameOrNumber)
            .Select(p => p.Int("containerPort")).FirstOrDefault();

    public IEnumerable<int> ContainerPorts => Containers.SelectMany(c => c.Items("ports")).Select(p => p.Int("containerPort")!.Value);

    /// <summary>An env entry of a container by name (value or valueFrom).</summary>
    public static YamlNode? Env(YamlNode container, string name) => container.Items("env").FirstOrDefault(e => e.Text("name") == name);
}
