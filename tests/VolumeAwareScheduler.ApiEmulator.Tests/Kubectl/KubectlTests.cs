using System.Diagnostics;
using k8s;
using System.Text.Json.Nodes;

namespace VolumeAwareScheduler.ApiEmulator.Tests.Kubectl;

/// <summary>
/// Drives the emulator with the real kubectl (client-side apply with its default strict validation, get, delete,
/// explain). CI installs kubectl (Debian's kubernetes-client); where /usr/bin/kubectl is absent the tests still
/// check the emulator half: the discovery and OpenAPI documents kubectl reads.
/// </summary>
public sealed class KubectlTests : IAsyncLifetime
{
    private const string KubectlPath = "/usr/bin/kubectl";

    private const string Manifest = """
        apiVersion: v1
        kind: Node
        metadata:
          name: node-1
          labels:
            kubernetes.io/hostname: node-1
        ---
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata:
          name: local
        provisioner: kubernetes.io/no-provisioner
        volumeBindingMode: WaitForFirstConsumer
        ---
        apiVersion: v1
        kind: PersistentVolume
        metadata:
          name: pv-1
        spec:
          capacity:
            storage: 10Gi
          accessModes: [ReadWriteOnce]
          storageClassName: local
          local:
            path: /mnt/disks/1
          nodeAffinity:
            required:
              nodeSelectorTerms:
              - matchExpressions:
                - {key: kubernetes.io/hostname, operator: In, values: [node-1]}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: data
          namespace: default
        spec:
          accessModes: [ReadWriteOnce]
          storageClassName: local
          resources:
            requests:
              storage: 5Gi
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: web
          namespace: default
        spec:
          serviceName: web
          replicas: 1
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: app
                image: registry.k8s.io/pause:3.10
                ports:
                - containerPort: 80
          volumeClaimTemplates:
          - metadata:
              name: data
            spec:
              accessModes: [ReadWriteOnce]
              storageClassName: local
              resources:
                requests:
                  storage: 1Gi
        """;

    private const string ManifestWithTypos = """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: typo
          namespace: default
        spec:
          accessModes: [ReadWriteOnce]
          storageClassNam: local
          resources:
            requests:
              storage: 5Gi
        """;

    private TestCluster _cluster = null!;
    private string _workDir = null!;

    public async Task InitializeAsync()
    {
        _cluster = await TestCluster.StartAsync();
        _workDir = Directory.CreateTempSubdirectory("vas-kubectl-").FullName;
        await File.WriteAllTextAsync(Path.Combine(_workDir, "manifest.yaml"), Manifest);
        await File.WriteAllTextAsync(Path.Combine(_workDir, "config"), $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: emulator
              cluster:
                server: {_cluster.Emulator.BaseAddress.ToString().TrimEnd('/')}
            contexts:
            - name: emulator
              context: {"{"}cluster: emulator, user: anonymous, namespace: default{"}"}
            users:
            - name: anonymous
              user: {"{}"}
            current-context: emulator
            """);
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        Directory.Delete(_workDir, recursive: true);
    }

    [Fact]
    public async Task Kubectl_applies_gets_and_deletes_storage_objects()
    {
        await AssertDiscoveryServesWhatKubectlNeedsAsync();
        if (!File.Exists(KubectlPath))
        {
            // Documented: CI installs kubectl; without it only the emulator half above runs.
            return;
        }

        // Default validation: kubectl finds fieldValidation on each kind's PATCH in /openapi/v3 and sends Strict.
        var apply = await KubectlAsync("apply", "-f", Path.Combine(_workDir, "manifest.yaml"));
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Contains("storageclass.storage.k8s.io/local created", apply.Output, StringComparison.Ordinal);
        Assert.Contains("persistentvolume/pv-1 created", apply.Output, StringComparison.Ordinal);
        Assert.Contains("persistentvolumeclaim/data created", apply.Output, StringComparison.Ordinal);
        Assert.Contains("statefulset.apps/web created", apply.Output, StringComparison.Ordinal);
        Assert.NotNull(_cluster.Emulator.Get("pv", null, "pv-1")!["metadata"]!["annotations"]!["kubectl.kubernetes.io/last-applied-configuration"]);

        // Second apply: GET + a strategic merge PATCH computed from the v3 schemas (ports merge by containerPort).
        var changed = Manifest.Replace("storage: 10Gi", "storage: 20Gi", StringComparison.Ordinal)
            .Replace("containerPort: 80", "containerPort: 8080", StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(_workDir, "manifest.yaml"), changed);
        var reapply = await KubectlAsync("apply", "-f", Path.Combine(_workDir, "manifest.yaml"));
        Assert.True(reapply.ExitCode == 0, reapply.ToString());
        Assert.Contains("persistentvolume/pv-1 configured", reapply.Output, StringComparison.Ordinal);
        Assert.Contains("statefulset.apps/web configured", reapply.Output, StringComparison.Ordinal);
        Assert.Equal("20Gi", (string?)_cluster.Emulator.Get("pv", null, "pv-1")!["spec"]!["capacity"]!["storage"]);
        Assert.Equal("""[{"containerPort":8080}]""",
            _cluster.Emulator.Get("sts", "default", "web")!["spec"]!["template"]!["spec"]!["containers"]![0]!["ports"]!.ToJsonString());

        var names = await KubectlAsync("get", "pv", "-o", "name");
        Assert.True(names.ExitCode == 0, names.ToString());
        Assert.Equal("persistentvolume/pv-1", names.Output.Trim());

        var table = await KubectlAsync("get", "pvc");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("NAME", table.Output, StringComparison.Ordinal);
        Assert.Contains("data", table.Output, StringComparison.Ordinal);

        var delete = await KubectlAsync("delete", "pvc", "data");
        Assert.True(delete.ExitCode == 0, delete.ToString());
        Assert.Contains("persistentvolumeclaim \"data\" deleted", delete.Output, StringComparison.Ordinal);
        Assert.Null(_cluster.Emulator.Get("pvc", "default", "data"));

        var missing = await KubectlAsync("get", "pvc", "data");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("NotFound", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kubectl_refuses_an_unknown_field_with_its_default_strict_validation()
    {
        var index = JsonNode.Parse(await _cluster.Http.GetStringAsync("openapi/v3"))!;
        Assert.NotNull(index["paths"]!["api/v1"]);
        if (!File.Exists(KubectlPath))
        {
            return;
        }

        await File.WriteAllTextAsync(Path.Combine(_workDir, "typo.yaml"), ManifestWithTypos);

        var apply = await KubectlAsync("apply", "-f", Path.Combine(_workDir, "typo.yaml"));

        Assert.True(apply.ExitCode != 0, apply.ToString());
        Assert.Contains(
            "PersistentVolumeClaim in version \"v1\" cannot be handled as a PersistentVolumeClaim: strict decoding error: unknown field \"spec.storageClassNam\"",
            apply.Error, StringComparison.Ordinal);
        Assert.Null(_cluster.Emulator.Get("pvc", "default", "typo"));
    }

    [Fact]
    public async Task Kubectl_explain_describes_pod_containers_from_openapi_v3()
    {
        if (!File.Exists(KubectlPath))
        {
            return;
        }

        var explain = await KubectlAsync("explain", "pods.spec.containers");

        Assert.True(explain.ExitCode == 0, explain.ToString());
        Assert.StartsWith("KIND:       Pod\nVERSION:    v1\n\nFIELD: containers <[]Container>", explain.Output, StringComparison.Ordinal);
        Assert.Contains("List of containers belonging to the pod.", explain.Output, StringComparison.Ordinal);
        Assert.Contains("  image\t<string>", explain.Output, StringComparison.Ordinal);
        Assert.Contains("  ports\t<[]ContainerPort>", explain.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kubectl_gets_the_kinds_a_default_scheduler_profile_reads()
    {
        var policy = JsonNode.Parse(await _cluster.Http.GetStringAsync("apis/policy/v1"))!;
        Assert.Contains(policy["resources"]!.AsArray(), r => (string?)r!["name"] == "poddisruptionbudgets" && (string?)r["shortNames"]![0] == "pdb");
        var core = JsonNode.Parse(await _cluster.Http.GetStringAsync("api/v1"))!;
        var eviction = core["resources"]!.AsArray().Single(r => (string?)r!["name"] == "pods/eviction")!;
        Assert.Equal(("policy", "v1", "Eviction"), ((string?)eviction["group"], (string?)eviction["version"], (string?)eviction["kind"]));
        if (!File.Exists(KubectlPath))
        {
            return;
        }

        await File.WriteAllTextAsync(Path.Combine(_workDir, "scheduling.yaml"), """
            apiVersion: scheduling.k8s.io/v1
            kind: PriorityClass
            metadata:
              name: high
            value: 1000
            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata:
              name: web
              namespace: default
            spec:
              maxUnavailable: 1
              selector:
                matchLabels: {app: web}
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: web
              namespace: default
            spec:
              selector: {app: web}
              ports:
              - port: 80
            ---
            apiVersion: apps/v1
            kind: ReplicaSet
            metadata:
              name: web
              namespace: default
            spec:
              replicas: 2
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                  - name: app
                    image: registry.k8s.io/pause:3.10
            """);
        var apply = await KubectlAsync("apply", "-f", Path.Combine(_workDir, "scheduling.yaml"));
        Assert.True(apply.ExitCode == 0, apply.ToString());

        var names = await KubectlAsync("get", "pdb,priorityclass,svc,rs,ns", "-o", "name");

        Assert.True(names.ExitCode == 0, names.ToString());
        Assert.Equal(
            [
                "poddisruptionbudget.policy/web", "priorityclass.scheduling.k8s.io/high", "priorityclass.scheduling.k8s.io/system-cluster-critical",
                "priorityclass.scheduling.k8s.io/system-node-critical", "service/web", "replicaset.apps/web", "namespace/default", "namespace/kube-node-lease", "namespace/kube-public",
                "namespace/kube-system",
            ],
            names.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var table = await KubectlAsync("get", "svc", "web");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("10.96.0.1", table.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kubectl_drain_evicts_through_the_disruption_budget()
    {
        if (!File.Exists(KubectlPath))
        {
            return;
        }

        await _cluster.Client.CoreV1.CreateNodeAsync(Make.Node("node-1"));
        // The simulated kubelet makes the bound pod Running and Ready, so the budget counts it as healthy.
        await _cluster.Client.CoreV1.CreateNamespacedPodAsync(
            Make.Pod("web-0", nodeName: "node-1", labels: new Dictionary<string, string> { ["app"] = "web" }), "default");
        await _cluster.Client.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(Make.Budget("web", minAvailable: 0), "default");
        await _cluster.WaitForAsync("pdb", "default", "web", b => (int?)b["status"]?["disruptionsAllowed"] == 1);

        var drain = await KubectlAsync("drain", "node-1", "--force", "--timeout=5s");

        Assert.True(drain.ExitCode == 0, drain.ToString());
        Assert.Contains("pod/web-0 evicted", drain.Output, StringComparison.Ordinal);
        Assert.Contains("node/node-1 drained", drain.Output, StringComparison.Ordinal);
        Assert.Null(_cluster.Emulator.Get("pods", "default", "web-0"));
        Assert.True((bool)_cluster.Emulator.Get("nodes", null, "node-1")!["spec"]!["unschedulable"]!);
    }

    [Fact]
    public async Task Kubectl_sees_nodes_Ready_waits_for_a_pod_to_be_Ready_and_describes_a_nodes_allocated_resources()
    {
        if (!File.Exists(KubectlPath))
        {
            // Documented: CI installs kubectl; the same behaviour is covered through KubernetesClient in SimulatedKubeletTests.
            return;
        }

        await File.WriteAllTextAsync(Path.Combine(_workDir, "workload.yaml"), """
            apiVersion: v1
            kind: Node
            metadata:
              name: node-1
              labels:
                kubernetes.io/hostname: node-1
                node-role.kubernetes.io/worker: ""
            status:
              capacity: {cpu: "4", memory: 8Gi, pods: "110"}
              allocatable: {cpu: "4", memory: 8Gi, pods: "110"}
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              namespace: default
            spec:
              nodeName: node-1
              containers:
              - name: app
                image: registry.k8s.io/pause:3.10
                resources:
                  requests: {cpu: 500m, memory: 256Mi}
                  limits: {memory: 512Mi}
            """);
        var apply = await KubectlAsync("apply", "-f", Path.Combine(_workDir, "workload.yaml"));
        Assert.True(apply.ExitCode == 0, apply.ToString());

        var wait = await KubectlAsync("wait", "--for=condition=Ready", "pod/web", "--timeout=20s");
        Assert.True(wait.ExitCode == 0, wait.ToString());
        Assert.Equal("pod/web condition met", wait.Output.Trim());

        var nodes = await KubectlAsync("get", "nodes");
        Assert.True(nodes.ExitCode == 0, nodes.ToString());
        var row = nodes.Output.Split('\n').Single(l => l.StartsWith("node-1 ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["node-1", "Ready", "worker"], row[..3]);
        Assert.Equal("v1.37.1", row[^1]);

        var pods = await KubectlAsync("get", "pods", "-o", "wide");
        Assert.True(pods.ExitCode == 0, pods.ToString());
        var podRow = pods.Output.Split('\n').Single(l => l.StartsWith("web ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["web", "1/1", "Running", "0"], podRow[..4]);
        Assert.Equal("node-1", podRow[6]);

        var describe = await KubectlAsync("describe", "node", "node-1");
        Assert.True(describe.ExitCode == 0, describe.ToString());
        Assert.Contains("Ready            True", describe.Output, StringComparison.Ordinal);
        Assert.Contains("KubeletReady", describe.Output, StringComparison.Ordinal);
        Assert.Contains("HolderIdentity:  node-1", describe.Output, StringComparison.Ordinal);
        Assert.Contains("Non-terminated Pods:          (1 in total)", describe.Output, StringComparison.Ordinal);
        var allocated = describe.Output[describe.Output.IndexOf("Allocated resources:", StringComparison.Ordinal)..];
        Assert.Matches(@"cpu\s+500m \(12%\)\s+0 \(0%\)", allocated);
        Assert.Matches(@"memory\s+256Mi \(3%\)\s+512Mi \(6%\)", allocated);
    }

    private async Task AssertDiscoveryServesWhatKubectlNeedsAsync()
    {
        var core = JsonNode.Parse(await _cluster.Http.GetStringAsync("api/v1"))!;
        var pvc = core["resources"]!.AsArray().Single(r => (string?)r!["name"] == "persistentvolumeclaims")!;
        Assert.Equal("persistentvolumeclaim", (string?)pvc["singularName"]);
        Assert.Equal("pvc", (string?)pvc["shortNames"]![0]);
        Assert.True((bool)pvc["namespaced"]!);
        Assert.Contains(core["resources"]!.AsArray(), r => (string?)r!["name"] == "pods/binding");

        var groups = JsonNode.Parse(await _cluster.Http.GetStringAsync("apis"))!;
        Assert.Contains(groups["groups"]!.AsArray(), g => (string?)g!["name"] == "storage.k8s.io");
        var storage = JsonNode.Parse(await _cluster.Http.GetStringAsync("apis/storage.k8s.io/v1"))!;
        Assert.Contains(storage["resources"]!.AsArray(), r => (string?)r!["name"] == "storageclasses" && (string?)r["shortNames"]![0] == "sc");
        Assert.Equal("1", (string?)JsonNode.Parse(await _cluster.Http.GetStringAsync("version"))!["major"]);
    }

    private async Task<KubectlResult> KubectlAsync(params string[] args)
    {
        var start = new ProcessStartInfo(KubectlPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--kubeconfig=" + Path.Combine(_workDir, "config"));
        start.ArgumentList.Add("--cache-dir=" + Path.Combine(_workDir, "cache"));
        start.ArgumentList.Add("--request-timeout=10s");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["HOME"] = _workDir;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync(TestCluster.Deadline());
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new KubectlResult(process.ExitCode, await output, await error, string.Join(' ', args));
    }

    private sealed record KubectlResult(int ExitCode, string Output, string Error, string Command)
    {
        public override string ToString() => $"kubectl {Command} exited {ExitCode}\nstdout: {Output}\nstderr: {Error}";
    }
}
