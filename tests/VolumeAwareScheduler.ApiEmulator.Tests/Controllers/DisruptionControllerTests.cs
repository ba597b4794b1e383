using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace VolumeAwareScheduler.ApiEmulator.Tests.Controllers;

/// <summary>
/// The simulated disruption controller (pkg/controller/disruption/disruption.go; the behaviours of its
/// disruption_test.go: TestNoSelector, TestUnavailable, TestIntegerMaxUnavailable, TestReplicaSet,
/// TestStatefulSetController, TestNakedPod, TestUpdateDisruptedPods).
/// </summary>
public sealed class DisruptionControllerTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 10, 0, 0, TimeSpan.Zero));
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(o => o.TimeProvider = _time);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private Kubernetes Client => _cluster.Client;

    [Fact]
    public async Task Integer_minAvailable_allows_the_ready_pods_above_it()
    {
        await ReadyPodsAsync("web", 3);
        await Client.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(Make.Budget("web", minAvailable: 2), "default");

        var status = await StatusAsync("web", s => (int?)s["currentHealthy"] == 3);

        Assert.Equal((1, 3, 2, 3, 1L), ((int)status["disruptionsAllowed"]!, (int)status["currentHealthy"]!, (int)status["desiredHealthy"]!, (int)status["expectedPods"]!, (long)status["observedGeneration"]!));
        AssertCondition(status, "True", "SufficientPods");
    }

    [Fact]
    public async Task Pods_that_are_not_ready_are_not_healthy()
    {
        await ReadyPodsAsync("web", 2);
        await PodAsync("web-unready", "web", phase: "Running", ready: false);
        await Client.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(Make.Budget("web", minAvailable: 2), "default");

        var status = await StatusAsync("web", s => (int?)s["expectedPods"] == 3);

        Assert.Equal((0, 2), ((int)status["disruptionsAllowed"]!, (int)status["currentHealthy"]!));
        AssertCondition(status, "False", "InsufficientPods");
    }

    [Fact]
    public async Task A_pod_becoming_ready_is_counted()
    {
        var pod = await PodAsync("web-0", "web", phase: "Running", ready: false);
        await Client.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(Make.Budget("web", minAvailable: 0), "default");
        await StatusAsync("web", s => (int?)s["expectedPods"] == 1 && (int?)s["disruptionsAllowed"] == 0);

        pod.Status = Make.Status("Running", ready: true);
        await Client.CoreV1.ReplaceNamespacedPodStatusAsync(pod, "web-0", "default");

        var status = await StatusAsync("web", s => (int?)s["currentHealthy"] == 1);
        Assert.Equal(1, (int)status["disruptionsAllowed"]!);
    }

    [Fact]
    public async Task MaxUnavailable_counts_the_replica_set_scale()
    {
        var owner = await ReplicaSetAsync("web", replicas: 4);
        await ReadyPodsAsync("web", 3, owner);
        await Client.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(Make.Budget("web", maxUnavailable: 1), "default");

        var status = await StatusAsync("web", s => (int?)s["expectedPods"] == 4);

        Assert.Equal((0, 3, 3), ((int)status["disruptionsAllowed"]!, (int)status["currentHealthy"]!, (int)status["desiredHealthy"]!));
    }

    [Fact]
    public async Task A_percentage_minAvailable_rounds_up()
    {
        var owner = await ReplicaSetAsync("web", replicas: 3);
        await ReadyPodsAsync("web", 3, owner);
        await Client.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(Make.Budget("web", minAvailable: "50%"), "default");

        var status = await StatusAsync("web", s => (int?)s["expectedPods"] == 3);

        Assert.Equal((1, 2), ((int)status["disruptionsAllowed"]!, (int)status["desiredHealthy"]!));
    }

    [Fact]
    public async Task MaxUnavailable_counts_the_stateful_set_scale()
    {
        await Client.AppsV1.CreateNamespacedStatefulSetAsync(new V1StatefulSet
        {
            Metadata = new V1ObjectMeta { Name = "db" },
            Spec = new V1StatefulSetSpec
            {
                Replicas = 2,
                PodManagementPolicy = "Parallel",
                ServiceName = "db",
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "db" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "db" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "db", Image = "registry.k8s.io/pause:3.10" }] },
                },
            },
        }, "default");
        foreach (var name in new[] { "db-0", "db-1" })
        {
            await _cluster.WaitForAsync("pods", "default", name, _ => true);
            await MarkReadyAsync(name);
        }

        await Client.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(Make.Budget("db", maxUnavailable: 1), "default");

        var status = await StatusAsync("db", s => (int?)s["currentHealthy"] == 2);
        Assert.Equal((1, 2, 1), ((int)status["disruptionsAllowed"]!, (int)status["expectedPods"]!, (int)status["desiredHealthy"]!));
    }

    [Fact]
    public async Task Naked_pods_give_maxUnavailable_nothing_to_count()
    {
        await ReadyPodsAsync("web", 2);
        await Client.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(Make.Budget("web", maxUnavailable: 1), "default");

        var status = await StatusAsync("web", s => (int?)s["currentHealthy"] == 2);

        Assert.Equal((0, 0), ((int)status["disruptionsAllowed"]!, (int)status["expectedPods"]!));
    }

    [Fact]
    public async Task A_controller_without_a_known_scale_fails_safe()
    {
        var job = new V1OwnerReference { ApiVersion = "batch/v1", Kind = "Job", Name = "batch", Uid = "job-uid", Controller = true };
        await ReadyPodsAsync("web", 1, job);
        await Client.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(Make.Budget("web", maxUnavailable: 1), "default");

        var status = await StatusAsync("web", s => s["conditions"] is JsonArray { Count: > 0 });

        Assert.Equal(0, (int)status["disruptionsAllowed"]!);
        var condition = AssertCondition(status, "False", "SyncFailed");
        Assert.Equal("found no controllers for pod \"web-0\"", (string?)condition["message"]);
    }

    [Fact]
    public async Task An_empty_selector_selects_every_pod_of_the_namespace_and_a_missing_one_none()
    {
        await ReadyPodsAsync("web", 2);
        await Client.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(Make.Budget("everything", minAvailable: 1, selector: new V1LabelSelector()), "default");
        var nothing = Make.Budget("nothing", minAvailable: 1);
        nothing.Spec.Selector = null;
        await Client.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(nothing, "default");

        var everything = await StatusAsync("everything", s => (int?)s["expectedPods"] == 2);
        var none = await StatusAsync("nothing", s => s["observedGeneration"] is not null);

        Assert.Equal(1, (int)everything["disruptionsAllowed"]!);
        Assert.Equal((0, 0, 0), ((int)none["expectedPods"]!, (int)none["currentHealthy"]!, (int)none["disruptionsAllowed"]!));
    }

    [Fact]
    public async Task A_recent_eviction_keeps_its_pod_out_of_the_count_until_it_is_two_minutes_old()
    {
        await ReadyPodsAsync("web", 2);
        var budget = await Client.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(Make.Budget("web", minAvailable: 1), "default");
        await StatusAsync("web", s => (int?)s["currentHealthy"] == 2);

        budget = await Client.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("web", "default");
        budget.Status.DisruptedPods = new Dictionary<string, DateTime?> { ["web-0"] = _time.GetUtcNow().UtcDateTime.AddSeconds(-90) };
        await Client.PolicyV1.ReplaceNamespacedPodDisruptionBudgetStatusAsync(budget, "web", "default");
        var recent = await StatusAsync("web", s => (int?)s["currentHealthy"] == 1);
        Assert.NotNull(recent["disruptedPods"]!["web-0"]);

        _time.Advance(TimeSpan.FromSeconds(31));
        budget = await Client.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("web", "default");
        budget.Metadata.Labels = new Dictionary<string, string> { ["resync"] = "1" };
        await Client.PolicyV1.ReplaceNamespacedPodDisruptionBudgetAsync(budget, "web", "default");

        var expired = await StatusAsync("web", s => (int?)s["currentHealthy"] == 2);
        Assert.Null(expired["disruptedPods"]);
    }

    [Fact]
    public async Task Evictions_stop_when_the_budget_is_spent()
    {
        var owner = await ReplicaSetAsync("web", replicas: 2);
        await ReadyPodsAsync("web", 2, owner);
        await Client.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(Make.Budget("web", maxUnavailable: 1), "default");
        await StatusAsync("web", s => (int?)s["disruptionsAllowed"] == 1);

        await Client.CoreV1.CreateNamespacedPodEvictionAsync(Make.Eviction("web-0"), "web-0", "default");
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.CreateNamespacedPodEvictionAsync(Make.Eviction("web-1"), "web-1", "default"));

        Assert.Equal(HttpStatusCode.TooManyRequests, error.Response.StatusCode);
        Assert.Null(_cluster.Emulator.Get("pods", "default", "web-0"));
        Assert.NotNull(_cluster.Emulator.Get("pods", "default", "web-1"));
        var status = await StatusAsync("web", s => (int?)s["expectedPods"] == 2 && (int?)s["currentHealthy"] == 1);
        Assert.Equal(0, (int)status["disruptionsAllowed"]!);
    }

    private static JsonObject AssertCondition(JsonObject status, string conditionStatus, string reason)
    {
        var condition = Assert.Single(status["conditions"]!.AsArray())!.AsObject();
        Assert.Equal(("DisruptionAllowed", conditionStatus, reason), ((string?)condition["type"], (string?)condition["status"], (string?)condition["reason"]));
        return condition;
    }

    private async Task<JsonObject> StatusAsync(string budget, Func<JsonObject, bool> condition) =>
        (JsonObject)(await _cluster.WaitForAsync("poddisruptionbudgets", "default", budget,
            b => b["status"] is JsonObject s && condition(s)))["status"]!;

    private async Task<V1OwnerReference> ReplicaSetAsync(string name, int replicas)
    {
        var set = await Client.AppsV1.CreateNamespacedReplicaSetAsync(new V1ReplicaSet
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1ReplicaSetSpec
            {
                Replicas = replicas,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "registry.k8s.io/pause:3.10" }] },
                },
            },
        }, "default");
        return new V1OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = name, Uid = set.Metadata.Uid, Controller = true };
    }

    private async Task ReadyPodsAsync(string app, int count, V1OwnerReference? owner = null)
    {
        for (var i = 0; i < count; i++)
        {
            await PodAsync($"{app}-{i}", app, phase: "Running", ready: true, owner);
        }
    }

    private async Task<V1Pod> PodAsync(string name, string app, string phase, bool ready, V1OwnerReference? owner = null)
    {
        var pod = Make.Pod(name, nodeName: "node-1", labels: new Dictionary<string, string> { ["app"] = app });
        pod.Metadata.OwnerReferences = owner is null ? null : [owner];
        pod = await Client.CoreV1.CreateNamespacedPodAsync(pod, "default");
        pod.Status = Make.Status(phase, ready);
        return await Client.CoreV1.ReplaceNamespacedPodStatusAsync(pod, name, "default");
    }

    private async Task MarkReadyAsync(string name)
    {
        var pod = await Client.CoreV1.ReadNamespacedPodAsync(name, "default");
        pod.Status = Make.Status("Running", ready: true);
        await Client.CoreV1.ReplaceNamespacedPodStatusAsync(pod, name, "default");
    }
}
