using VolumeAwareScheduler.Testing.Kubernetes;
using k8s;
using k8s.Models;
using VolumeAwareScheduler.ApiEmulator;
using VolumeAwareScheduler.Tests.Simulation;

namespace VolumeAwareScheduler.Tests.Check;

/// <summary>`check` over a dump and over a live API server: 0 clean, 1 with one sentence per violation, 2 for bad input.</summary>
public sealed class CheckCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vas-check-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string Node = """
        apiVersion: v1
        kind: Node
        metadata: {name: node-1, labels: {kubernetes.io/hostname: node-1}}
        ---
        apiVersion: v1
        kind: Node
        metadata: {name: node-2, labels: {kubernetes.io/hostname: node-2}}
        """;

    private static string Volume(string claimRef, string phase) => $$"""
        ---
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: pv-1}
        spec:
          capacity: {storage: 10Gi}
          accessModes: [ReadWriteOnce]
          storageClassName: local
          local: {path: /mnt/pv-1}
          {{claimRef}}
          nodeAffinity:
            required:
              nodeSelectorTerms:
              - matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [node-1]}]
        status: {phase: {{phase}}}
        """;

    private const string BoundClaim = """
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: data, namespace: default, uid: data-uid, annotations: {pv.kubernetes.io/bind-completed: "yes"}}
        spec: {accessModes: [ReadWriteOnce], storageClassName: local, volumeName: pv-1, resources: {requests: {storage: 5Gi}}}
        status: {phase: Bound}
        """;

    private static string PodOn(string node) => $$$"""
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: app, namespace: default}
        spec:
          nodeName: {{{node}}}
          containers: [{name: c, image: busybox}]
          volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]
        """;

    public static TheoryData<string, string, int, string[]> Dumps => new()
    {
        { "clean", Node + "\n" + Volume("claimRef: {namespace: default, name: data, uid: data-uid}", "Bound") + "\n" + BoundClaim + "\n" + PodOn("node-1"), 0, [] },
        {
            "pod on the wrong node", Node + "\n" + Volume("claimRef: {namespace: default, name: data, uid: data-uid}", "Bound") + "\n" + BoundClaim + "\n" + PodOn("node-2"), 1,
            ["Pod default/app runs on node node-2, outside the node affinity of PersistentVolume pv-1 bound to its claim default/data."]
        },
        {
            "PV points at another claim", Node + "\n" + Volume("claimRef: {namespace: default, name: other, uid: other-uid}", "Bound") + "\n" + BoundClaim + "\n" + PodOn("node-1"), 1,
            ["Claim default/data is bound to PersistentVolume pv-1, whose claimRef names default/other."]
        },
    };

    [Theory]
    [MemberData(nameof(Dumps))]
    public void A_dump_is_checked_as_it_is(string name, string yaml, int expectedExit, string[] expected)
    {
        var path = Path.Combine(_dir, name.Replace(' ', '-') + ".yaml");
        File.WriteAllText(path, yaml);

        var (exit, stdout, stderr) = SimulateGoldenTests.Run("check", "--cluster", path);

        Assert.True(exit == expectedExit, $"exit {exit}\n{stdout}\n{stderr}");
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expected, lines[..^1]);
        Assert.StartsWith(expectedExit == 0 ? $"ok: {path}: 2 node(s), 1 PV(s), 1 claim(s), 1 pod(s)" : $"{expected.Length} violation(s) in {path}", lines[^1], StringComparison.Ordinal);
        Assert.Equal("", stderr);
    }

    public static TheoryData<string, string, string> BadInputs => new()
    {
        { "broken-yaml", "apiVersion: v1\nkind: Node\nmetadata: {name: [oops\n", "invalid YAML at line" },
        { "bad-quantity", "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv-1}\nspec:\n  capacity: {storage: -1e+308}\n", "spec.capacity.storage \"-1e+308\"" },
        { "bad-operator", "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv-1}\nspec:\n  capacity: {storage: 5Gi}\n  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n      - matchExpressions:\n        - {key: a, operator: Near, values: [b]}\n", "operator \"Near\" is not a valid operator" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void A_bad_dump_exits_2_with_one_sentence_naming_the_file(string name, string yaml, string fragment)
    {
        var path = Path.Combine(_dir, name + ".yaml");
        File.WriteAllText(path, yaml);

        var (exit, stdout, stderr) = SimulateGoldenTests.Run("check", "--cluster", path);

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        var error = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {path}: ", error, StringComparison.Ordinal);
        Assert.Contains(fragment, error, StringComparison.Ordinal);
        Assert.EndsWith(".", error.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_exits_2()
    {
        var path = Path.Combine(_dir, "absent.yaml");

        var (exit, _, stderr) = SimulateGoldenTests.Run("check", "--cluster", path);

        Assert.Equal(2, exit);
        Assert.Contains(path, Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_live_cluster_is_listed_and_checked()
    {
        await using var emulator = await ApiEmulator.ApiEmulator.StartAsync(new ApiEmulatorOptions());
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = emulator.BaseAddress.ToString() });
        await client.CoreV1.CreateNodeAsync(Objects.Node("node-1"));
        await client.StorageV1.CreateStorageClassAsync(Objects.LocalClass());
        await client.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-free", "node-1"));
        var server = emulator.BaseAddress.ToString();

        var (exit, stdout, _) = await Task.Run(() => SimulateGoldenTests.Run("check", "--server", server));
        Assert.True(exit == 0, stdout);

        // A binder's prebinding (claimRef with a uid) for a claim that does not exist.
        var pv = Objects.LocalVolume("pv-orphan", "node-1");
        pv.Metadata.Annotations = new Dictionary<string, string> { ["pv.kubernetes.io/bound-by-controller"] = "yes" };
        pv.Spec.ClaimRef = new V1ObjectReference { Kind = "PersistentVolumeClaim", NamespaceProperty = "default", Name = "gone", Uid = "gone-uid" };
        await client.CoreV1.CreatePersistentVolumeAsync(pv);
        (exit, stdout, _) = await Task.Run(() => SimulateGoldenTests.Run("check", "--server", server));

        Assert.Equal(1, exit);
        Assert.Equal("PersistentVolume pv-orphan is prebound to claim default/gone (uid \"gone-uid\"), which is gone.", stdout.Split('\n')[0]);
    }

    [Fact]
    public void An_unreachable_server_exits_2_with_one_sentence()
    {
        var (exit, _, stderr) = SimulateGoldenTests.Run("check", "--server", "http://127.0.0.1:1", "--timeout-seconds", "10");

        Assert.Equal(2, exit);
        var error = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: cannot list the cluster from http://127.0.0.1:1", error, StringComparison.Ordinal);
    }
}
