using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace VolumeAwareScheduler.ApiEmulator.Tests.Http;

/// <summary>
/// The pods/eviction subresource with budgets whose status the test sets (controllers off). The TestEviction cases
/// of pkg/registry/core/pod/storage/eviction_test.go keep their names and run once per unhealthyPodEvictionPolicy,
/// as upstream runs them.
/// </summary>
public sealed class EvictionTests : IAsyncLifetime
{
    private const string NoBudget = "Cannot evict pod as it would violate the pod's disruption budget.";

    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(o => o.EnableControllers = false);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private Kubernetes Client => _cluster.Client;

    /// <summary>
    /// name, budget selector label, disruptionsAllowed, pod phase, ready, bad name in URL, expected error (null:
    /// evicted), policies the case runs with ("" for unset). Upstream's pods with no phase are Running and ready
    /// here: the emulator, having no pod strategy, treats a missing phase as Pending (which upstream sets on create).
    /// </summary>
    public static TheoryData<string, string?, int, string, bool, bool, string?, string[]> Cases => new()
    {
        { "matching pdbs with no disruptions allowed, pod running", "a", 0, "Running", false, false,
            "TooManyRequests: The disruption budget foo needs 0 healthy pods and has 0 currently", ["", "IfHealthyBudget"] },
        { "matching pdbs with no disruptions allowed, pod pending", "a", 0, "Pending", false, false, null, ["", "IfHealthyBudget", "AlwaysAllow"] },
        { "matching pdbs with no disruptions allowed, pod succeeded", "a", 0, "Succeeded", false, false, null, ["", "IfHealthyBudget", "AlwaysAllow"] },
        { "matching pdbs with no disruptions allowed, pod failed", "a", 0, "Failed", false, false, null, ["", "IfHealthyBudget", "AlwaysAllow"] },
        { "matching pdbs with disruptions allowed", "a", 1, "Running", true, false, null, ["", "IfHealthyBudget", "AlwaysAllow"] },
        { "non-matching pdbs", "b", 0, "Running", true, false, null, ["", "IfHealthyBudget", "AlwaysAllow"] },
        { "matching pdbs with disruptions allowed but bad name in Url", "a", 1, "Running", true, true,
            "BadRequest: name in URL does not match name in Eviction object", ["", "IfHealthyBudget", "AlwaysAllow"] },
        { "matching pdbs with no disruptions allowed, pod running, empty selector", "", 0, "Running", false, false,
            "TooManyRequests: The disruption budget foo needs 0 healthy pods and has 0 currently", ["", "IfHealthyBudget"] },
        { "matching pdbs with no disruptions allowed, unready pod running, AlwaysAllow", "a", 0, "Running", false, false, null, ["AlwaysAllow"] },
    };

    public static TheoryData<string, string?, int, string, bool, bool, string?, string> CasesByPolicy
    {
        get
        {
            var data = new TheoryData<string, string?, int, string, bool, bool, string?, string>();
            foreach (var row in Cases)
            {
                foreach (var policy in (string[])row[7])
                {
                    data.Add((string)row[0], (string?)row[1], (int)row[2], (string)row[3], (bool)row[4], (bool)row[5], (string?)row[6], policy);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(CasesByPolicy))]
    public async Task Eviction_honours_the_matching_budget(
        string name, string? selectorLabel, int disruptionsAllowed, string phase, bool ready, bool badNameInUrl, string? expectedError, string policy)
    {
        _ = name;
        await CreatePodAsync("t1", phase, ready);
        var selector = selectorLabel is { Length: > 0 }
            ? new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [selectorLabel] = "true" } }
            : new V1LabelSelector();
        await CreateBudgetAsync("foo", selector, disruptionsAllowed, policy.Length == 0 ? null : policy);

        var error = await EvictAsync(badNameInUrl ? "t1bad-name" : "t1", Make.Eviction("t1"));

        if (expectedError is null)
        {
            Assert.Null(error);
            Assert.Null(_cluster.Emulator.Get("pods", "default", "t1"));
            return;
        }

        Assert.NotNull(error);
        var status = JsonNode.Parse(error.Response.Content)!;
        var cause = (string?)status["details"]?["causes"]?[0]?["message"];
        Assert.Equal(expectedError, $"{status["reason"]}: {cause ?? (string?)status["message"]}");
        if (expectedError.StartsWith("TooManyRequests", StringComparison.Ordinal))
        {
            Assert.Equal(NoBudget, (string?)status["message"]);
            Assert.Equal("DisruptionBudget", (string?)status["details"]!["causes"]![0]!["reason"]);
            Assert.Equal(HttpStatusCode.TooManyRequests, error.Response.StatusCode);
        }

        Assert.NotNull(_cluster.Emulator.Get("pods", "default", "t1"));
    }

    [Fact]
    public async Task An_allowed_eviction_spends_the_budget_and_records_the_pod()
    {
        await CreatePodAsync("t1", "Running", ready: true);
        await CreateBudgetAsync("foo", Selector("a"), disruptionsAllowed: 1);

        Assert.Null(await EvictAsync("t1", Make.Eviction("t1")));

        var budget = await Client.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("foo", "default");
        Assert.Equal(0, budget.Status.DisruptionsAllowed);
        Assert.True(budget.Status.DisruptedPods.ContainsKey("t1"));
        var condition = Assert.Single(budget.Status.Conditions);
        Assert.Equal(("DisruptionAllowed", "False", "InsufficientPods"), (condition.Type, condition.Status, condition.Reason));
    }

    [Fact]
    public async Task The_pod_is_marked_as_a_disruption_target_before_it_is_deleted()
    {
        await CreatePodAsync("t1", "Running", ready: true);
        using var stop = new CancellationTokenSource(TestCluster.Timeout);
        await using var feed = _cluster.Emulator.WatchAsync("pods", "default", stop.Token).GetAsyncEnumerator(stop.Token);
        var next = feed.MoveNextAsync();

        Assert.Null(await EvictAsync("t1", Make.Eviction("t1")));

        var events = new List<(string Type, JsonObject Pod)>();
        while (await next && events.Count < 2)
        {
            events.Add((feed.Current.Type, feed.Current.Object));
            next = events.Count < 2 ? feed.MoveNextAsync() : ValueTask.FromResult(false);
        }

        Assert.Equal(["MODIFIED", "DELETED"], events.Select(e => e.Type));
        var target = events[0].Pod["status"]!["conditions"]!.AsArray().Single(c => (string?)c!["type"] == "DisruptionTarget")!;
        Assert.Equal(("True", "EvictionByEvictionAPI", "Eviction API: evicting"), ((string?)target["status"], (string?)target["reason"], (string?)target["message"]));
    }

    [Fact]
    public async Task A_pod_matched_by_two_budgets_is_a_500_Status()
    {
        await CreatePodAsync("t1", "Running", ready: true);
        await CreateBudgetAsync("one", Selector("a"), 1);
        await CreateBudgetAsync("two", Selector("a"), 1);

        var error = await EvictAsync("t1", Make.Eviction("t1"));

        Assert.Equal(HttpStatusCode.InternalServerError, error!.Response.StatusCode);
        var status = JsonNode.Parse(error.Response.Content)!;
        Assert.Equal("Failure", (string?)status["status"]);
        Assert.Equal("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.", (string?)status["message"]);
    }

    [Fact]
    public async Task A_budget_whose_status_is_behind_its_generation_asks_to_retry_in_ten_seconds()
    {
        await CreatePodAsync("t1", "Running", ready: true);
        await Client.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(Make.Budget("foo", minAvailable: 0, selector: Selector("a")), "default");

        var error = await EvictAsync("t1", Make.Eviction("t1"));

        Assert.Equal(HttpStatusCode.TooManyRequests, error!.Response.StatusCode);
        Assert.Equal(["10"], error.Response.Headers["Retry-After"]);
        var details = JsonNode.Parse(error.Response.Content)!["details"]!;
        Assert.Equal("The disruption budget foo is still being processed by the server.", (string?)details["causes"]![0]!["message"]);
        Assert.Equal(10, (int)details["retryAfterSeconds"]!);
    }

    [Fact]
    public async Task An_unready_pod_goes_without_spending_a_healthy_budget()
    {
        await CreatePodAsync("t1", "Running", ready: false);
        await CreateBudgetAsync("foo", Selector("a"), disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2);

        Assert.Null(await EvictAsync("t1", Make.Eviction("t1")));

        Assert.Null(_cluster.Emulator.Get("pods", "default", "t1"));
        Assert.Equal(0, (await Client.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("foo", "default")).Status.DisruptedPods?.Count ?? 0);
    }

    [Fact]
    public async Task A_uid_precondition_that_does_not_match_is_a_conflict()
    {
        await CreatePodAsync("t1", "Pending", ready: false);
        var eviction = Make.Eviction("t1");
        eviction.DeleteOptions = new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = "not-the-pod" } };

        var error = await EvictAsync("t1", eviction);

        Assert.Equal(HttpStatusCode.Conflict, error!.Response.StatusCode);
        Assert.StartsWith("Operation cannot be fulfilled on Pod \"t1\": the UID in the precondition (not-the-pod) does not match", (string?)JsonNode.Parse(error.Response.Content)!["message"], StringComparison.Ordinal);
        Assert.NotNull(_cluster.Emulator.Get("pods", "default", "t1"));
    }

    [Fact]
    public async Task Evicting_a_missing_pod_is_404()
    {
        var error = await EvictAsync("ghost", Make.Eviction("ghost"));

        Assert.Equal(HttpStatusCode.NotFound, error!.Response.StatusCode);
        Assert.Equal("pods \"ghost\" not found", (string?)JsonNode.Parse(error.Response.Content)!["message"]);
    }

    private static V1LabelSelector Selector(string label) => new() { MatchLabels = new Dictionary<string, string> { [label] = "true" } };

    private async Task CreatePodAsync(string name, string phase, bool ready)
    {
        var pod = await Client.CoreV1.CreateNamespacedPodAsync(Make.Pod(name, nodeName: "foo", labels: new Dictionary<string, string> { ["a"] = "true" }), "default");
        pod.Status = Make.Status(phase, ready);
        await Client.CoreV1.ReplaceNamespacedPodStatusAsync(pod, name, "default");
    }

    /// <summary>A budget whose status the disruption controller would have written: observed, with the given counts.</summary>
    private async Task CreateBudgetAsync(string name, V1LabelSelector selector, int disruptionsAllowed, string? policy = null, int currentHealthy = 0, int desiredHealthy = 0)
    {
        var budget = await Client.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(
            Make.Budget(name, minAvailable: 0, selector: selector, unhealthyPodEvictionPolicy: policy), "default");
        budget.Status = new V1PodDisruptionBudgetStatus
        {
            ObservedGeneration = budget.Metadata.Generation,
            DisruptionsAllowed = disruptionsAllowed,
            CurrentHealthy = currentHealthy,
            DesiredHealthy = desiredHealthy,
            ExpectedPods = 1,
        };
        await Client.PolicyV1.ReplaceNamespacedPodDisruptionBudgetStatusAsync(budget, name, "default");
    }

    private async Task<HttpOperationException?> EvictAsync(string urlName, V1Eviction eviction)
    {
        try
        {
            await Client.CoreV1.CreateNamespacedPodEvictionAsync(eviction, urlName, "default");
            return null;
        }
        catch (HttpOperationException error)
        {
            return error;
        }
    }
}
