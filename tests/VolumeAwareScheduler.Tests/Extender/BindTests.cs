using Microsoft.Extensions.DependencyInjection;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Hosting;

namespace VolumeAwareScheduler.Tests.Extender;

/// <summary>bind: idempotent, all-or-nothing, and never gives one PV to two claims.</summary>
public sealed class BindTests
{
    private static string TwoPodsOnePv => Path.Combine(AppContext.BaseDirectory, "Simulation", "testdata", "two-pods-one-pv", "cluster.yaml");

    private static string Pod(string name, string claim, string uid) =>
        $$$"""{"metadata":{"name":"{{{name}}}","namespace":"default","uid":"{{{uid}}}"},"spec":{"containers":[{"name":"c","image":"busybox"}],"volumes":[{"name":"data","persistentVolumeClaim":{"claimName":"{{{claim}}}"}}]}}""";

    private static string BindArgs(string name, string uid, string node) =>
        $$"""{"PodName":"{{name}}","PodNamespace":"default","PodUID":"{{uid}}","Node":"{{node}}"}""";

    private static T Read<T>(ExtenderTestHost host, Func<VolumeAwareScheduler.Core.State.ClusterState, T> read) =>
        host.Source.Cache!.Read(read);

    [Fact]
    public async Task Bind_writes_the_claim_binding_then_the_pod_and_a_retry_is_success()
    {
        await using var host = await ExtenderTestHost.StartAsync(ExtenderTestHost.ClassicCluster);
        await host.PostAsync("/scheduler/filter", ExtenderBehaviourTests.NamesArgs(ExtenderBehaviourTests.ClassicPod, "node-2"));

        var first = await host.PostAsync("/scheduler/bind", BindArgs("app", "uid-app", "node-2"));
        var retry = await host.PostAsync("/scheduler/bind", BindArgs("app", "uid-app", "node-2"));

        Assert.Equal((200, """{"Error":""}"""), first);
        Assert.Equal((200, """{"Error":""}"""), retry);
        Assert.Equal("pv-b", Read(host, s => s.GetClaim(new ObjectKey("default", "data"))!.VolumeName));
        Assert.Equal(VolumePhase.Bound, Read(host, s => s.Volumes.Get("pv-b")!.Phase));
        Assert.Equal("node-2", Read(host, s => s.GetPod(new ObjectKey("default", "app"))!.NodeName));
    }

    [Fact]
    public async Task Binding_a_bound_pod_to_another_node_is_an_error()
    {
        await using var host = await ExtenderTestHost.StartAsync(ExtenderTestHost.ClassicCluster);
        await host.PostAsync("/scheduler/filter", ExtenderBehaviourTests.NamesArgs(ExtenderBehaviourTests.ClassicPod, "node-2"));
        await host.PostAsync("/scheduler/bind", BindArgs("app", "uid-app", "node-2"));

        var (status, body) = await host.PostAsync("/scheduler/bind", BindArgs("app", "uid-app", "node-1"));

        Assert.Equal(200, status);
        Assert.Equal("""{"Error":"pod default/app is already bound to node \"node-2\""}""", body);
    }

    [Fact]
    public async Task Bind_for_a_pod_never_filtered_is_an_error()
    {
        await using var host = await ExtenderTestHost.StartAsync(ExtenderTestHost.ClassicCluster);

        var (status, body) = await host.PostAsync("/scheduler/bind", BindArgs("ghost", "uid-ghost", "node-1"));

        Assert.Equal(200, status);
        Assert.Contains("is unknown to the extender", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Second_pod_bound_to_the_only_PV_gets_an_error_and_the_state_is_unchanged()
    {
        await using var host = await ExtenderTestHost.StartAsync(TwoPodsOnePv);
        var first = await host.PostAsync("/scheduler/filter", ExtenderBehaviourTests.NamesArgs(Pod("first", "one", "uid-1"), "node-1", "node-2"));
        var second = await host.PostAsync("/scheduler/filter", ExtenderBehaviourTests.NamesArgs(Pod("second", "two", "uid-2"), "node-1", "node-2"));
        Assert.Contains("\"NodeNames\":[\"node-1\"]", first.Body, StringComparison.Ordinal);
        Assert.Contains("\"NodeNames\":[\"node-1\"]", second.Body, StringComparison.Ordinal); // both were told node-1 works

        Assert.Equal((200, """{"Error":""}"""), await host.PostAsync("/scheduler/bind", BindArgs("first", "uid-1", "node-1")));
        var before = Read(host, Snapshot);
        var (status, body) = await host.PostAsync("/scheduler/bind", BindArgs("second", "uid-2", "node-1"));

        Assert.Equal(200, status);
        Assert.Equal("""{"Error":"binding rejected: pod default/second can no longer use node \"node-1\": node(s) didn't find available persistent volumes to bind"}""", body);
        Assert.Equal(before, Read(host, Snapshot));
        Assert.Equal(0, host.Source.Cache!.ReadWithLedger(0, static (_, ledger, _) => ledger.Count));
    }

    [Fact]
    public async Task Concurrent_binds_for_one_PV_give_it_to_exactly_one_pod()
    {
        await using var host = await ExtenderTestHost.StartAsync(TwoPodsOnePv);
        await host.PostAsync("/scheduler/filter", ExtenderBehaviourTests.NamesArgs(Pod("first", "one", "uid-1"), "node-1"));
        await host.PostAsync("/scheduler/filter", ExtenderBehaviourTests.NamesArgs(Pod("second", "two", "uid-2"), "node-1"));

        var results = await Task.WhenAll(
            host.PostAsync("/scheduler/bind", BindArgs("first", "uid-1", "node-1")),
            host.PostAsync("/scheduler/bind", BindArgs("second", "uid-2", "node-1")));

        Assert.Single(results, r => r.Body == """{"Error":""}""");
        Assert.Single(results, r => r.Body.Contains("binding rejected", StringComparison.Ordinal));
        var owner = Read(host, s => s.Volumes.Get("pv-a")!.ClaimRef!.Name);
        Assert.Contains(owner, new[] { "one", "two" });
    }

    [Fact]
    public async Task Bind_of_a_pod_whose_claim_is_provisioned_annotates_the_claim_and_creates_a_pinned_PV()
    {
        var cluster = Path.Combine(AppContext.BaseDirectory, "Simulation", "testdata", "csi-capacity-provisioning", "cluster.yaml");
        await using var host = await ExtenderTestHost.StartAsync(cluster);
        var pending = host.Source.PendingPods[0];
        var claim = pending.Claims[0].ClaimName;
        var nodes = Read(host, s => s.Nodes.Select(n => n.Name).ToArray());
        var podJson = $$$"""{"metadata":{"name":"{{{pending.Key.Name}}}","namespace":"{{{pending.Key.Namespace}}}","uid":"uid-p"},"spec":{"containers":[{"name":"c"}],"volumes":[{"name":"data","persistentVolumeClaim":{"claimName":"{{{claim}}}"}}]}}""";
        var filter = await host.PostAsync("/scheduler/filter", ExtenderBehaviourTests.NamesArgs(podJson, nodes));
        var passed = System.Text.Json.JsonDocument.Parse(filter.Body).RootElement.GetProperty("NodeNames")[0].GetString()!;

        var (_, body) = await host.PostAsync("/scheduler/bind", $$"""{"PodName":"{{pending.Key.Name}}","PodNamespace":"{{pending.Key.Namespace}}","PodUID":"uid-p","Node":"{{passed}}"}""");

        Assert.Equal("""{"Error":""}""", body);
        var bound = Read(host, s => s.GetClaim(new ObjectKey(pending.Key.Namespace, claim))!);
        Assert.Equal(passed, bound.SelectedNode);
        Assert.StartsWith("pvc-", bound.VolumeName, StringComparison.Ordinal);
        Assert.NotNull(Read(host, s => s.Volumes.Get(bound.VolumeName)!.NodeAffinity));
    }

    private static string Snapshot(VolumeAwareScheduler.Core.State.ClusterState state) => string.Join("\n",
        state.Claims.OrderBy(c => c.Key).Select(c => $"{c.Key} {c.VolumeName} {c.Phase} {c.SelectedNode}")
            .Concat(state.Volumes.ListByClass("local").Select(v => $"{v.Name} {v.ClaimRef?.Key} {v.Phase}"))
            .Concat(state.Pods.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.NodeName}")));
}
