using VolumeAwareScheduler.Configuration;
using VolumeAwareScheduler.Tests.Extender;

namespace VolumeAwareScheduler.Tests.Hostile;

/// <summary>serve's per-request limits: 429 with Retry-After past the concurrency and queue limits, 503 past the deadline; health is never limited.</summary>
public sealed class RequestLimitsTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static string Body => ExtenderBehaviourTests.NamesArgs(ExtenderBehaviourTests.ClassicPod, "node-1", "node-2");

    [Fact]
    public async Task A_verb_beyond_the_concurrency_and_queue_limits_gets_429_with_Retry_After_and_health_still_answers()
    {
        await using var host = await ExtenderTestHost.StartAsync(new ServeOptions { ClusterFile = ExtenderTestHost.ClassicCluster, MaxConcurrentRequests = 1, RequestQueue = 0 });
        using var timeout = new CancellationTokenSource(Bound);
        using var held = new GatedContent(Body[..10], Body[10..]);
        held.Headers.ContentType = new("application/json");
        var holding = host.Client.PostAsync("/scheduler/filter", held, timeout.Token);
        await held.Started.WaitAsync(timeout.Token);

        using (var rejected = await host.Client.PostAsync("/scheduler/filter", new StringContent(Body, System.Text.Encoding.UTF8, "application/json"), timeout.Token))
        {
            Assert.Equal(429, (int)rejected.StatusCode);
            Assert.Equal("1", rejected.Headers.GetValues("Retry-After").Single());
            Assert.Contains("--max-concurrent-requests", await rejected.Content.ReadAsStringAsync(timeout.Token), StringComparison.Ordinal);
        }
        Assert.Equal(200, (await host.GetAsync("/healthz")).Status);
        Assert.Equal(200, (await host.GetAsync("/metrics")).Status);

        held.Release();
        using (var first = await holding) Assert.Equal(200, (int)first.StatusCode);
        Assert.Equal(200, (await host.PostAsync("/scheduler/filter", Body)).Status);
    }

    [Fact]
    public async Task A_request_past_its_deadline_gets_503_with_Retry_After_not_a_500()
    {
        await using var host = await ExtenderTestHost.StartAsync(new ServeOptions
        {
            ClusterFile = ExtenderTestHost.ClassicCluster,
            BindTimeout = TimeSpan.FromSeconds(1),
            RequestTimeout = TimeSpan.FromSeconds(5),
        });
        Assert.Equal(200, (await host.PostAsync("/scheduler/filter", Body)).Status);
        using var timeout = new CancellationTokenSource(Bound);
        using var neverFinished = new GatedContent(Body[..10], Body[10..]);
        neverFinished.Headers.ContentType = new("application/json");

        using var response = await host.Client.PostAsync("/scheduler/filter", neverFinished, timeout.Token);

        Assert.Equal(503, (int)response.StatusCode);
        Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
        Assert.Contains("--request-timeout-seconds", await response.Content.ReadAsStringAsync(timeout.Token), StringComparison.Ordinal);
        neverFinished.Release();
        Assert.Equal(200, (await host.PostAsync("/scheduler/filter", Body)).Status);
    }

    public static TheoryData<string, ServeOptions, string> BadLimits => new()
    {
        { "no concurrency", new ServeOptions { MaxConcurrentRequests = 0 }, "--max-concurrent-requests must be positive" },
        { "negative queue", new ServeOptions { RequestQueue = -1 }, "--request-queue must be 0 or more" },
        { "deadline not above the bind timeout", new ServeOptions { RequestTimeout = TimeSpan.FromSeconds(30) }, "must exceed the bind timeout (30 s)" },
    };

    [Theory]
    [MemberData(nameof(BadLimits))]
    public void Limits_are_validated_at_start(string name, ServeOptions options, string expected)
    {
        Assert.True(options.Validate().Any(e => e.Contains(expected, StringComparison.Ordinal)), name);
    }

    [Fact]
    public void The_default_deadline_leaves_room_for_the_bind_timeout()
    {
        Assert.Equal(TimeSpan.FromSeconds(60), new ServeOptions().EffectiveRequestTimeout);
        Assert.Empty(new ServeOptions().Validate());
    }
}
