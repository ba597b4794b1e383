using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using k8s;
using k8s.Models;
using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Kubernetes.Cache;
using VolumeAwareScheduler.Kubernetes.Conversion;
using VolumeAwareScheduler.Kubernetes.Informers;
using VolumeAwareScheduler.LoadTests.Harness;
using VolumeAwareScheduler.LoadTests.Harness.Reports;

namespace VolumeAwareScheduler.LoadTests.Scenarios;

/// <summary>
/// What the scheduler process holds for a large cluster: the <see cref="ClusterCache"/> that <c>run</c> and <c>serve</c>
/// keep (Core snapshots in ClusterState, the VolumeIndex, the assume ledger, and the latest PVs and claims (as JSON) and
/// pods that the writers need), fed exactly as the informers feed it: list pages of JSON deserialized by KubernetesClient, one
/// Replace event per kind. Managed heap (after a forced full GC), GC heap size and the process working set are read
/// before, after each kind and at the end; the target is a working set ≤ 512 MiB at 5,000 nodes × 100,000 PVs × 100,000
/// claims, under the executable's own runtime configuration (<see cref="ShippedRuntime"/>). Correctness (fatal): the index answers queries exactly as a linear scan over the same volumes does.
/// </summary>
public sealed class MemoryScenario : Scenario
{
    private const string Class = "local-ssd";
    private const string HostnameLabel = "kubernetes.io/hostname";
    private const int PageSize = 500;
    private const long TargetWorkingSet = 512L << 20;

    private readonly Option<int?> _claims = new("--claims") { Description = "PersistentVolumeClaims (default 100,000; 10,000 in --quick); half bound to half of the PVs." };
    private readonly Option<bool> _managedFields = new("--managed-fields") { Description = "Give every object two metadata.managedFields entries, as a real API server sends them (the emulator does not)." };
    private readonly Option<int?> _queries = new("--queries") { Description = "Claim × node pairs checked against a linear scan (default 2,000)." };

    public override string Name => "memory";

    public override string Description =>
        "Memory of the scheduler's cache + index for a large cluster (managed heap, GC heap, working set); index answers checked against a linear scan (fatal).";

    public override IEnumerable<Option> Options => [_claims, _managedFields, _queries];

    /// <summary>Memory depends on the GC configuration: measured under the executable's, as it ships.</summary>
    public override bool RunsOnShippedRuntime => true;

    public override Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var quick = options.Quick;
        var report = context.Report;
        var nodes = options.Nodes ?? (quick ? 500 : 5_000);
        var volumes = options.Volumes ?? (quick ? 10_000 : 100_000);
        var claims = context.GetValue(_claims) ?? (quick ? 10_000 : 100_000);
        var managedFields = context.GetValue(_managedFields);
        var queries = context.GetValue(_queries) ?? 2_000;
        if (claims < volumes / 2) throw new ScenarioUsageException($"--claims ({claims}) must be at least half of --pvs ({volumes}): half the PVs are bound to claims.");
        report.Parameters["mode"] = quick ? "quick (correctness only)" : "full";
        report.Parameters["nodes"] = nodes.ToString("N0", CultureInfo.InvariantCulture);
        report.Parameters["pvs"] = $"{volumes:N0} ({volumes / 2:N0} bound)";
        report.Parameters["claims"] = $"{claims:N0} ({volumes / 2:N0} bound)";
        report.Parameters["managedFields"] = managedFields ? "two entries per object, as an API server sends them (the informers drop them)" : "none (as the emulator serves objects)";
        report.Parameters["GC"] = ShippedRuntime.DescribeGc();
        report.Parameters["runtime configuration"] = ShippedRuntime.IsCurrent
            ? $"{ShippedRuntime.ConfigFile} (the executable's, as it ships; DOTNET_gc* environment variables override it)"
            : "the harness's (not the executable's)";

        var rows = new List<List<string>>();
        var baseline = Measure();
        rows.Add(Row("before (runtime + harness)", baseline, null));
        var cache = new ClusterCache();
        var clock = Stopwatch.StartNew();

        context.Step($"nodes: {nodes:N0}");
        Load<V1Node, V1NodeList>(cache, ResourceKind.Node, nodes, i => NodeJson(i, managedFields));
        var afterNodes = Measure();
        rows.Add(Row($"+ {nodes:N0} nodes", afterNodes, baseline, nodes));

        context.Step($"PVs: {volumes:N0}, half bound");
        Load<V1PersistentVolume, V1PersistentVolumeList>(cache, ResourceKind.PersistentVolume, volumes, i => VolumeJson(i, nodes, managedFields));
        var afterVolumes = Measure();
        rows.Add(Row($"+ {volumes:N0} PVs", afterVolumes, afterNodes, volumes));

        context.Step($"claims: {claims:N0}, {volumes / 2:N0} bound");
        Load<V1PersistentVolumeClaim, V1PersistentVolumeClaimList>(cache, ResourceKind.PersistentVolumeClaim, claims, i => ClaimJson(i, volumes, managedFields));
        var afterClaims = Measure();
        rows.Add(Row($"+ {claims:N0} claims", afterClaims, afterVolumes, claims));
        var build = clock.Elapsed;
        rows.Add(Row("total held by the cache", afterClaims, baseline));

        // The working set above still holds what the GC freed but kept committed (mostly the initial lists'
        // V1 objects); an aggressive collection returns it to the OS and shows what the cache itself needs.
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var trimmed = Measure();
        rows.Add(Row("after an aggressive GC (freed memory returned to the OS)", trimmed, baseline));

        report.Tables.Add(new ReportTable($"Memory: {nodes:N0} nodes × {volumes:N0} PVs × {claims:N0} claims in the scheduler's ClusterCache",
            ["state", "managed heap (GC.GetTotalMemory(true))", "GC heap size", "working set", "Δ managed heap", "Δ working set", "per object"],
            rows,
            "Each kind is loaded as the informers load it: pages of 500 objects as JSON, deserialized by KubernetesClient, then one Replace event applied by the cache. "
            + "Figures after a forced full GC. The cache keeps the Core snapshots and the index, the PVs and claims as JSON (the writers update them) and the V1 pods; "
            + "V1 nodes are converted and dropped."));
        report.Tables.Add(new ReportTable("Totals", ["measurement", "value", "target"],
        [
            ["working set after build", Format.Bytes(afterClaims.WorkingSet), quick ? "" : $"≤ {Format.Bytes(TargetWorkingSet)} {(afterClaims.WorkingSet <= TargetWorkingSet ? "met" : "MISSED")}"],
            ["working set after an aggressive GC", Format.Bytes(trimmed.WorkingSet), ""],
            ["managed heap after build", Format.Bytes(afterClaims.ManagedHeap), ""],
            ["GC heap size after build", Format.Bytes(afterClaims.HeapSize), ""],
            ["peak working set during the run", Format.Bytes(Process.GetCurrentProcess().PeakWorkingSet64), ""],
            ["build time (generate JSON, deserialize, convert, index)", Format.Duration(build.TotalMilliseconds * 1e6), ""],
            ["conversion errors", cache.ConversionErrors.ToString(CultureInfo.InvariantCulture), ""],
        ]));
        context.Output.WriteLine($"    working set {Format.Bytes(afterClaims.WorkingSet)} (target ≤ {Format.Bytes(TargetWorkingSet)}), managed heap {Format.Bytes(afterClaims.ManagedHeap)}, GC heap {Format.Bytes(afterClaims.HeapSize)}; before: {Format.Bytes(baseline.WorkingSet)} / {Format.Bytes(baseline.ManagedHeap)}");
        context.Output.WriteLine($"    after an aggressive GC: working set {Format.Bytes(trimmed.WorkingSet)}, managed heap {Format.Bytes(trimmed.ManagedHeap)}, GC heap {Format.Bytes(trimmed.HeapSize)}");

        // For comparison: the V1 PVs and claims as object graphs (a second copy, as the informers hand them over), which
        // the cache does not keep: it keeps their JSON for the writers, next to the Core snapshots and the index.
        context.Step("measuring the V1 objects alone (a second copy)");
        var copies = new List<IKubernetesObject<V1ObjectMeta>>(volumes + claims);
        copies.AddRange(Deserialize<V1PersistentVolume, V1PersistentVolumeList>(volumes, i => VolumeJson(i, nodes, managedFields)));
        var withVolumeCopies = Measure();
        copies.AddRange(Deserialize<V1PersistentVolumeClaim, V1PersistentVolumeClaimList>(claims, i => ClaimJson(i, volumes, managedFields)));
        var withCopies = Measure();
        GC.KeepAlive(copies);
        var v1Volumes = withVolumeCopies.ManagedHeap - afterClaims.ManagedHeap;
        var v1Claims = withCopies.ManagedHeap - withVolumeCopies.ManagedHeap;
        var total = afterClaims.ManagedHeap - baseline.ManagedHeap;
        report.Tables.Add(new ReportTable("For comparison: the V1 objects as object graphs", ["part", "size", "vs the whole cache", "per object"],
        [
            ["the whole cache (Core snapshots, index, PVs and claims as JSON, maps)", Format.Bytes(total), "100%", ""],
            ["V1PersistentVolume object graphs (not kept)", Format.Bytes(v1Volumes), $"{100.0 * v1Volumes / total:0}%", Format.Bytes(v1Volumes / (double)volumes)],
            ["V1PersistentVolumeClaim object graphs (not kept)", Format.Bytes(v1Claims), $"{100.0 * v1Claims / total:0}%", Format.Bytes(v1Claims / (double)claims)],
        ], "A second copy deserialized from the same JSON and transformed the same way, measured apart. Keeping these graphs (as the cache did before) "
            + "cost 2.9 KiB per PV and 2.3 KiB per claim; their JSON costs about a third of that."));
        copies.Clear();

        // Correctness: everything arrived, and the index answers as a linear scan over the same volumes.
        context.Step($"checking the index against a linear scan on {queries:N0} claim × node pairs");
        Check(context, cache, nodes, volumes, claims, queries, options.Seed);

        GC.KeepAlive(cache);
        return Task.CompletedTask;
    }

    private static void Check(ScenarioContext context, ClusterCache cache, int nodes, int volumes, int claims, int queries, int seed)
    {
        var (volumeCount, claimCount, nodeCount, free) = cache.Read(s =>
            (s.Volumes.ListByClass(Class).Count, s.Claims.Count(), s.Nodes.Count, s.Volumes.ListByClass(Class).Count(v => v.ClaimRef is null)));
        var counted = volumeCount == volumes && claimCount == claims && nodeCount == nodes && free == volumes - volumes / 2 && cache.ConversionErrors == 0;
        context.Report.Checks.Add(new ReportCheck("the cache holds every object", counted,
            $"{nodeCount:N0} nodes, {volumeCount:N0} PVs ({free:N0} free), {claimCount:N0} claims, {cache.ConversionErrors} conversion errors"));

        var linear = new LinearVolumeIndex();
        var random = new Random(seed);
        var mismatches = new List<string>();
        var found = 0;
        cache.Read(state =>
        {
            foreach (var volume in state.Volumes.ListByClass(Class)) linear.Upsert(volume);
            var pending = state.Claims.Where(c => c.VolumeName.Length == 0).ToList();
            var nodeList = state.Nodes;
            for (var q = 0; q < queries; q++)
            {
                var claim = pending[random.Next(pending.Count)];
                // Half the queries on the node the claim's generated PV would be on, so that most find one.
                var node = q % 2 == 0 ? nodeList[random.Next(nodeList.Count)] : state.GetNode(NodeName(Index(claim) % nodes))!;
                var fast = state.Volumes.FindMatchingVolume(claim, node, excluded: null);
                var slow = linear.FindMatchingVolume(claim, node, excluded: null);
                if (fast is not null) found++;
                if (fast?.Name != slow?.Name) mismatches.Add($"{claim.Key} on {node.Name}: index {fast?.Name ?? "none"}, scan {slow?.Name ?? "none"}");
            }
            return 0;
        });
        context.Report.Checks.Add(new ReportCheck("index answers = linear scan", mismatches.Count == 0 && found > 0,
            mismatches.Count == 0 ? $"{queries:N0} queries identical, {found:N0} found a PV" : $"{mismatches.Count} differ; e.g. " + string.Join(" / ", mismatches.Take(3))));
        if (mismatches.Count > 0 || !counted) throw new ScenarioAbortedException("the cache or its index is wrong after the build");
    }

    private static int Index(ClaimInfo claim) => int.Parse(claim.Key.Name.AsSpan(claim.Key.Name.LastIndexOf('-') + 1), CultureInfo.InvariantCulture);

    /// <summary>Pages of JSON as an API server would send them, deserialized by KubernetesClient, transformed as the informers transform them, then one Replace event.</summary>
    private static void Load<T, TList>(ClusterCache cache, ResourceKind kind, int count, Func<int, string> itemJson)
        where T : class, IKubernetesObject<V1ObjectMeta>
        where TList : IItems<T>
    {
        cache.Apply(new InformerEvent(kind, InformerEventType.Replace, Deserialize<T, TList>(count, itemJson)));
    }

    private static List<IKubernetesObject<V1ObjectMeta>> Deserialize<T, TList>(int count, Func<int, string> itemJson)
        where T : class, IKubernetesObject<V1ObjectMeta>
        where TList : IItems<T>
    {
        var items = new List<IKubernetesObject<V1ObjectMeta>>(count);
        var page = new StringBuilder();
        for (var start = 0; start < count; start += PageSize)
        {
            page.Clear().Append("{\"kind\":\"List\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"1\"},\"items\":[");
            for (var i = start; i < Math.Min(count, start + PageSize); i++)
            {
                if (i > start) page.Append(',');
                page.Append(itemJson(i));
            }
            page.Append("]}");
            var list = KubernetesJson.Deserialize<TList>(page.ToString());
            // What the informers do to every object before the cache keeps it.
            foreach (var item in list.Items) items.Add(InformerTransforms.StripManagedFields(item));
        }
        return items;
    }

    private static string NodeName(int i) => $"node-{i:D5}";

    private static string Meta(string name, string? ns, int i, bool managedFields, string extra = "") =>
        $"\"metadata\":{{\"name\":\"{name}\"{(ns is null ? "" : $",\"namespace\":\"{ns}\"")},\"uid\":\"{Guid.NewGuid()}\",\"resourceVersion\":\"{1000 + i}\",\"creationTimestamp\":\"2026-11-23T10:00:00Z\"{extra}"
        + (managedFields ? $",\"managedFields\":[{{\"manager\":\"kubectl-client-side-apply\",\"operation\":\"Update\",\"apiVersion\":\"v1\",\"time\":\"2026-11-23T10:00:00Z\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{{\"f:metadata\":{{\"f:labels\":{{\".\":{{}},\"f:app\":{{}}}}}},\"f:spec\":{{\"f:accessModes\":{{}},\"f:capacity\":{{\".\":{{}},\"f:storage\":{{}}}},\"f:storageClassName\":{{}}}}}}}},"
            + $"{{\"manager\":\"kube-controller-manager\",\"operation\":\"Update\",\"apiVersion\":\"v1\",\"time\":\"2026-11-23T10:00:01Z\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{{\"f:status\":{{\"f:phase\":{{}}}}}},\"subresource\":\"status\"}}]" : "")
        + "}";

    private static string NodeJson(int i, bool managedFields)
    {
        var name = NodeName(i);
        return $"{{\"kind\":\"Node\",\"apiVersion\":\"v1\",{Meta(name, null, i, managedFields, $",\"labels\":{{\"{HostnameLabel}\":\"{name}\",\"topology.kubernetes.io/zone\":\"zone-{i % 3}\",\"node.kubernetes.io/instance-type\":\"m5.4xlarge\",\"kubernetes.io/os\":\"linux\",\"kubernetes.io/arch\":\"amd64\"}}")},"
            + "\"spec\":{\"podCIDR\":\"10.0.0.0/24\"},"
            + "\"status\":{\"capacity\":{\"cpu\":\"16\",\"memory\":\"64Gi\",\"pods\":\"110\",\"ephemeral-storage\":\"200Gi\"},\"allocatable\":{\"cpu\":\"15800m\",\"memory\":\"62Gi\",\"pods\":\"110\",\"ephemeral-storage\":\"180Gi\"},"
            + "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"KubeletReady\",\"message\":\"kubelet is posting ready status\",\"lastHeartbeatTime\":\"2026-11-23T10:00:00Z\",\"lastTransitionTime\":\"2026-11-23T09:00:00Z\"}],"
            + $"\"addresses\":[{{\"type\":\"InternalIP\",\"address\":\"10.1.{i / 250}.{i % 250}\"}},{{\"type\":\"Hostname\",\"address\":\"{name}\"}}],"
            + "\"nodeInfo\":{\"kubeletVersion\":\"v1.33.0\",\"containerRuntimeVersion\":\"containerd://2.0.0\",\"kernelVersion\":\"6.8.0\",\"osImage\":\"Ubuntu 24.04\",\"operatingSystem\":\"linux\",\"architecture\":\"amd64\",\"machineID\":\"m\",\"systemUUID\":\"s\",\"bootID\":\"b\",\"kubeProxyVersion\":\"\"}}}";
    }

    private static readonly string[] Sizes = ["100Gi", "200Gi", "500Gi"];

    /// <summary>PV i sits on node i mod N; even PVs are bound to claim i/2 (claims 0 … P/2−1).</summary>
    private static string VolumeJson(int i, int nodes, bool managedFields)
    {
        var name = $"local-pv-{i:D6}";
        var node = NodeName(i % nodes);
        var bound = i % 2 == 0;
        var claim = i / 2;
        var claimRef = bound
            ? $",\"claimRef\":{{\"kind\":\"PersistentVolumeClaim\",\"namespace\":\"{ClaimNamespace(claim)}\",\"name\":\"data-{claim:D6}\",\"uid\":\"{Guid.NewGuid()}\",\"apiVersion\":\"v1\",\"resourceVersion\":\"{5000 + claim}\"}}"
            : "";
        var annotations = bound ? ",\"annotations\":{\"pv.kubernetes.io/bound-by-controller\":\"yes\"}" : "";
        return $"{{\"kind\":\"PersistentVolume\",\"apiVersion\":\"v1\",{Meta(name, null, i, managedFields, $",\"labels\":{{\"app\":\"local-provisioner\"}}{annotations},\"finalizers\":[\"kubernetes.io/pv-protection\"]")},"
            + $"\"spec\":{{\"capacity\":{{\"storage\":\"{Sizes[i % Sizes.Length]}\"}},\"local\":{{\"path\":\"/mnt/disks/vol{i / nodes}\"}},\"accessModes\":[\"ReadWriteOnce\"]{claimRef},"
            + $"\"persistentVolumeReclaimPolicy\":\"Retain\",\"storageClassName\":\"{Class}\",\"volumeMode\":\"Filesystem\","
            + $"\"nodeAffinity\":{{\"required\":{{\"nodeSelectorTerms\":[{{\"matchExpressions\":[{{\"key\":\"{HostnameLabel}\",\"operator\":\"In\",\"values\":[\"{node}\"]}}]}}]}}}}}},"
            + $"\"status\":{{\"phase\":\"{(bound ? "Bound" : "Available")}\",\"lastPhaseTransitionTime\":\"2026-11-23T10:00:00Z\"}}}}";
    }

    private static string ClaimNamespace(int claim) => $"team-{claim % 100:D3}";

    /// <summary>Claims below P/2 are bound to PV 2i; the others are pending WaitForFirstConsumer claims.</summary>
    private static string ClaimJson(int i, int volumes, bool managedFields)
    {
        var bound = i < volumes / 2;
        var request = i % 2 == 0 ? "50Gi" : "150Gi";
        var annotations = bound
            ? ",\"annotations\":{\"pv.kubernetes.io/bind-completed\":\"yes\",\"pv.kubernetes.io/bound-by-controller\":\"yes\",\"volume.kubernetes.io/selected-node\":\"" + NodeName(0) + "\"}"
            : "";
        return $"{{\"kind\":\"PersistentVolumeClaim\",\"apiVersion\":\"v1\",{Meta($"data-{i:D6}", ClaimNamespace(i), i, managedFields, $",\"labels\":{{\"app\":\"db\"}}{annotations},\"finalizers\":[\"kubernetes.io/pvc-protection\"]")},"
            + $"\"spec\":{{\"accessModes\":[\"ReadWriteOnce\"],\"resources\":{{\"requests\":{{\"storage\":\"{request}\"}}}},\"storageClassName\":\"{Class}\",\"volumeMode\":\"Filesystem\""
            + (bound ? $",\"volumeName\":\"local-pv-{2 * i:D6}\"" : "") + "},"
            + (bound ? $"\"status\":{{\"phase\":\"Bound\",\"accessModes\":[\"ReadWriteOnce\"],\"capacity\":{{\"storage\":\"{Sizes[2 * i % Sizes.Length]}\"}}}}}}" : "\"status\":{\"phase\":\"Pending\"}}");
    }

    private readonly record struct Snapshot(long ManagedHeap, long HeapSize, long WorkingSet);

    private static Snapshot Measure()
    {
        GC.WaitForPendingFinalizers();
        var managed = GC.GetTotalMemory(forceFullCollection: true);
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        return new Snapshot(managed, info.HeapSizeBytes, Environment.WorkingSet);
    }

    private static List<string> Row(string label, Snapshot now, Snapshot? before, int objects = 0) =>
    [
        label,
        Format.Bytes(now.ManagedHeap),
        Format.Bytes(now.HeapSize),
        Format.Bytes(now.WorkingSet),
        before is { } b ? Format.Bytes(now.ManagedHeap - b.ManagedHeap) : "",
        before is { } w ? Format.Bytes(now.WorkingSet - w.WorkingSet) : "",
        before is { } p && objects > 0 ? Format.Bytes((now.ManagedHeap - p.ManagedHeap) / (double)objects) : "",
    ];
}
