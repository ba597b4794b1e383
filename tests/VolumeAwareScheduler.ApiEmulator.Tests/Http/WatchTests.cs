using k8s;
using k8s.Models;

namespace VolumeAwareScheduler.ApiEmulator.Tests.Http;

public sealed class WatchTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() =>
        _cluster = await TestCluster.StartAsync(o =>
        {
            o.EnableControllers = false;
            o.BookmarkInterval = TimeSpan.FromMilliseconds(50);
        });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private Kubernetes Client => _cluster.Client;

    [Fact]
    public async Task Watch_from_a_resourceVersion_sees_exactly_the_later_events()
    {
        var p1 = await Client.CoreV1.CreateNamespacedPodAsync(Make.Pod("p1"), "default");
        var p2 = await Client.CoreV1.CreateNamespacedPodAsync(Make.Pod("p2"), "default");
        var from = p2.Metadata.ResourceVersion;

        await Client.CoreV1.CreateNamespacedPodAsync(Make.Pod("p3"), "default");
        p1.Metadata.Labels = new Dictionary<string, string> { ["changed"] = "yes" };
        await Client.CoreV1.ReplaceNamespacedPodAsync(p1, "p1", "default");
        await Client.CoreV1.DeleteNamespacedPodAsync("p2", "default");
        await Client.CoreV1.CreateNamespacedPodAsync(Make.Pod("marker"), "default");

        var events = await CollectAsync(resourceVersion: from, count: 4);

        Assert.Equal(
            ["Added p3", "Modified p1", "Deleted p2", "Added marker"],
            events.Select(e => $"{e.Type} {e.Object.Metadata.Name}"));
        Assert.True(long.Parse(events[2].Object.Metadata.ResourceVersion) > long.Parse(from));
    }

    [Fact]
    public async Task Watch_without_resourceVersion_starts_with_synthetic_added_events()
    {
        await Client.CoreV1.CreateNamespacedPodAsync(Make.Pod("a"), "default");
        await Client.CoreV1.CreateNamespacedPodAsync(Make.Pod("b"), "default");

        var events = await CollectAsync(resourceVersion: null, count: 2);

        Assert.Equal(["Added a", "Added b"], events.Select(e => $"{e.Type} {e.Object.Metadata.Name}"));
    }

    [Fact]
    public async Task Watch_with_label_selector_turns_selection_changes_into_added_and_deleted()
    {
        var start = await Client.CoreV1.ListNamespacedPodAsync("default");
        var pod = Make.Pod("p", labels: new Dictionary<string, string> { ["app"] = "b" });
        pod = await Client.CoreV1.CreateNamespacedPodAsync(pod, "default");
        pod.Metadata.Labels["app"] = "a";
        pod = await Client.CoreV1.ReplaceNamespacedPodAsync(pod, "p", "default");
        pod.Metadata.Labels["app"] = "b";
        await Client.CoreV1.ReplaceNamespacedPodAsync(pod, "p", "default");

        var events = await CollectAsync(resourceVersion: start.Metadata.ResourceVersion, count: 2, labelSelector: "app=a");

        Assert.Equal(["Added p", "Deleted p"], events.Select(e => $"{e.Type} {e.Object.Metadata.Name}"));
    }

    [Fact]
    public async Task Watch_from_a_compacted_resourceVersion_gets_410_Expired()
    {
        var old = await Client.CoreV1.CreateNamespacedPodAsync(Make.Pod("p1"), "default");
        await Client.CoreV1.CreateNamespacedPodAsync(Make.Pod("p2"), "default");
        _cluster.Emulator.Faults.Compact();

        var errors = new List<Exception>();
        var events = new List<WatchEventType>();
        await foreach (var (type, _) in Client.CoreV1.WatchListNamespacedPodAsync("default", resourceVersion: old.Metadata.ResourceVersion, onError: errors.Add, cancellationToken: TestCluster.Deadline()))
        {
            events.Add(type);
        }

        Assert.Empty(events);
        var expired = Assert.IsType<KubernetesException>(Assert.Single(errors));
        Assert.Equal(410, expired.Status.Code);
        Assert.Equal("Expired", expired.Status.Reason);
        Assert.StartsWith($"too old resource version: {old.Metadata.ResourceVersion} (", expired.Status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_from_the_current_resourceVersion_survives_compaction()
    {
        var current = await Client.CoreV1.CreateNamespacedPodAsync(Make.Pod("p1"), "default");
        _cluster.Emulator.Faults.Compact();
        await Client.CoreV1.CreateNamespacedPodAsync(Make.Pod("p2"), "default");

        var events = await CollectAsync(resourceVersion: current.Metadata.ResourceVersion, count: 1);

        Assert.Equal("Added p2", $"{events[0].Type} {events[0].Object.Metadata.Name}");
    }

    [Fact]
    public async Task Bookmarks_carry_the_current_resourceVersion()
    {
        await Client.CoreV1.CreateNodeAsync(Make.Node("n1"));
        var expected = _cluster.Emulator.CurrentResourceVersion;

        using var deadline = new CancellationTokenSource(TestCluster.Timeout);
        V1Pod? bookmark = null;
        await foreach (var (type, pod) in Client.CoreV1.WatchListNamespacedPodAsync("default", allowWatchBookmarks: true, resourceVersion: expected, onError: null, cancellationToken: deadline.Token))
        {
            if (type == WatchEventType.Bookmark)
            {
                bookmark = pod;
                break;
            }
        }

        Assert.NotNull(bookmark);
        Assert.Equal(expected, bookmark.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task TimeoutSeconds_ends_the_watch()
    {
        // Raw HTTP: KubernetesClient treats a watch that ends without a single line as a read error.
        await Client.CoreV1.CreateNamespacedPodAsync(Make.Pod("p1"), "default");
        using var response = await _cluster.Http.GetAsync(
            "api/v1/namespaces/default/pods?watch=true&timeoutSeconds=1", HttpCompletionOption.ResponseHeadersRead, TestCluster.Deadline());
        var body = await response.Content.ReadAsStringAsync(TestCluster.Deadline());

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var line = Assert.Single(body.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("""{"type":"ADDED","object":{""", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_quiet_watch_sends_its_headers_before_any_event()
    {
        // client-go waits for the headers before it hands out a watch, and an informer cannot stop until it has them
        // (kubectl wait on a pod already Ready hung on this).
        var from = (await Client.CoreV1.ListNamespacedPodAsync("default")).Metadata.ResourceVersion;
        using var response = await _cluster.Http.GetAsync(
            $"api/v1/namespaces/default/pods?watch=true&resourceVersion={from}", HttpCompletionOption.ResponseHeadersRead, TestCluster.Deadline());

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Dropped_watch_ends_the_stream()
    {
        await Client.CoreV1.CreateNamespacedPodAsync(Make.Pod("p1"), "default");
        var errors = new List<Exception>();
        var seen = new List<string>();
        await foreach (var (type, pod) in Client.CoreV1.WatchListNamespacedPodAsync("default", onError: errors.Add, cancellationToken: TestCluster.Deadline()))
        {
            seen.Add($"{type} {pod.Metadata.Name}");
            _cluster.Emulator.Faults.DropWatches();
        }

        Assert.Equal(["Added p1"], seen);
        Assert.DoesNotContain(errors, e => e is OperationCanceledException);
    }

    [Fact]
    public async Task In_process_watch_sees_later_changes_of_its_kind_and_namespace_in_order()
    {
        await Client.CoreV1.CreateNamespacedPodAsync(Make.Pod("before"), "default");
        using var stop = new CancellationTokenSource(TestCluster.Timeout);
        await using var feed = _cluster.Emulator.WatchAsync("pods", "default", stop.Token).GetAsyncEnumerator(stop.Token);
        var next = feed.MoveNextAsync(); // subscribes before its first wait

        await Client.CoreV1.CreateNamespacedPodAsync(Make.Pod("p1", labels: new Dictionary<string, string> { ["v"] = "1" }), "default");
        await Client.CoreV1.CreateNamespacedPodAsync(Make.Pod("elsewhere", ns: "kube-system"), "kube-system");
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Make.Claim("another-kind"), "default");
        await Client.CoreV1.DeleteNamespacedPodAsync("p1", "default");
        await Client.CoreV1.CreateNamespacedPodAsync(Make.Pod("marker"), "default");

        var seen = new List<string>();
        while (await next)
        {
            var change = feed.Current;
            seen.Add($"{change.Type} {change.Namespace}/{change.Name} {(string?)change.Object["metadata"]!["labels"]?["v"]}".TrimEnd());
            if (change.Name == "marker") break;
            next = feed.MoveNextAsync();
        }

        Assert.Equal(["ADDED default/p1 1", "DELETED default/p1 1", "ADDED default/marker"], seen);
    }

    private async Task<List<(WatchEventType Type, V1Pod Object)>> CollectAsync(string? resourceVersion, int count, string? labelSelector = null)
    {
        using var deadline = new CancellationTokenSource(TestCluster.Timeout);
        var events = new List<(WatchEventType, V1Pod)>();
        await foreach (var item in Client.CoreV1.WatchListNamespacedPodAsync(
            "default", resourceVersion: resourceVersion, labelSelector: labelSelector, onError: null, cancellationToken: deadline.Token))
        {
            events.Add(item);
            if (events.Count == count)
            {
                break;
            }
        }

        Assert.Equal(count, events.Count);
        return events;
    }
}
