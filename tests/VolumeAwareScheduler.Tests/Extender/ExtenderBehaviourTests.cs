using System.Net;
using System.Text;

namespace VolumeAwareScheduler.Tests.Extender;

/// <summary>Readiness, malformed input, unknown paths, and the shapes a request may take.</summary>
public sealed class ExtenderBehaviourTests
{
    internal const string ClassicPod = """{"metadata":{"name":"app","namespace":"default","uid":"uid-app"},"spec":{"nodeSelector":{"kubernetes.io/hostname":"node-2"},"containers":[{"name":"c","image":"busybox"}],"volumes":[{"name":"data","persistentVolumeClaim":{"claimName":"data"}}]}}""";

    internal static string NamesArgs(string pod, params string[] nodes) =>
        $$"""{"Pod":{{pod}},"Nodes":null,"NodeNames":[{{string.Join(",", nodes.Select(n => $"\"{n}\""))}}]}""";

    [Fact]
    public async Task Without_cluster_readyz_is_not_ready_and_filter_answers_error_with_200()
    {
        await using var host = await ExtenderTestHost.StartAsync(clusterFile: null);

        Assert.Equal(HttpStatusCode.OK, (HttpStatusCode)(await host.GetAsync("/healthz")).Status);
        var (readyStatus, readyBody) = await host.GetAsync("/readyz");
        Assert.Equal(503, readyStatus);
        Assert.Contains("cluster state not loaded", readyBody, StringComparison.Ordinal);

        var (status, body) = await host.PostAsync("/scheduler/filter", NamesArgs(ClassicPod, "node-1"));
        Assert.Equal(200, status);
        Assert.Equal("""{"Nodes":null,"NodeNames":null,"FailedNodes":null,"FailedAndUnresolvableNodes":null,"Error":"cluster state not loaded"}""", body);

        var bind = await host.PostAsync("/scheduler/bind", """{"PodName":"app","PodNamespace":"default","PodUID":"uid-app","Node":"node-1"}""");
        Assert.Equal((200, """{"Error":"cluster state not loaded"}"""), bind);
    }

    [Fact]
    public async Task With_cluster_readyz_is_ready()
    {
        await using var host = await ExtenderTestHost.StartAsync(ExtenderTestHost.ClassicCluster);

        Assert.Equal(200, (await host.GetAsync("/readyz")).Status);
    }

    public static TheoryData<string, string, string> BadRequests() => new()
    {
        { "malformed JSON", "/scheduler/filter", """{"Pod":""" },
        { "body is null", "/scheduler/filter", "null" },
        { "not JSON at all", "/scheduler/prioritize", "Pod=x" },
        { "missing Pod", "/scheduler/filter", """{"Nodes":null,"NodeNames":["node-1"]}""" },
        { "Pod is null", "/scheduler/filter", """{"Pod":null,"Nodes":null,"NodeNames":["node-1"]}""" },
        { "Pod is a number", "/scheduler/filter", """{"Pod":5,"Nodes":null,"NodeNames":["node-1"]}""" },
        { "Pod spec of the wrong type", "/scheduler/filter", """{"Pod":{"metadata":{"name":"p"},"spec":"x"},"NodeNames":["node-1"]}""" },
        { "NodeNames of the wrong type", "/scheduler/filter", $$"""{"Pod":{{ClassicPod}},"Nodes":null,"NodeNames":"node-1"}""" },
        { "Nodes of the wrong type", "/scheduler/filter", $$"""{"Pod":{{ClassicPod}},"Nodes":[1],"NodeNames":null}""" },
        { "a node without a name", "/scheduler/filter", $$$"""{"Pod":{{{ClassicPod}}},"Nodes":{"metadata":{},"items":[{"metadata":{}}]},"NodeNames":null}""" },
        { "neither Nodes nor NodeNames", "/scheduler/filter", $$"""{"Pod":{{ClassicPod}},"Nodes":null,"NodeNames":null}""" },
        { "bind without Node", "/scheduler/bind", """{"PodName":"app","PodNamespace":"default","PodUID":"u"}""" },
        { "bind with a number for PodName", "/scheduler/bind", """{"PodName":1,"PodNamespace":"default","PodUID":"u","Node":"n"}""" },
        { "explain with a non-pod body", "/scheduler/explain", "[1,2]" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Malformed_input_is_a_400_problem_saying_what_is_wrong(string because, string path, string body)
    {
        await using var host = await ExtenderTestHost.StartAsync(ExtenderTestHost.ClassicCluster);

        var (status, reply) = await host.PostAsync(path, body);

        Assert.True(status == 400, $"{because}: got {status} {reply}");
        Assert.Contains("\"status\":400", reply, StringComparison.Ordinal);
        Assert.Contains("\"detail\":", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413_problem()
    {
        await using var host = await ExtenderTestHost.StartAsync(ExtenderTestHost.ClassicCluster, maxRequestBytes: 100);

        var (status, reply) = await host.PostAsync("/scheduler/filter", NamesArgs(ClassicPod, "node-1", "node-2"));

        Assert.Equal(413, status);
        Assert.Contains("--max-request-bytes", reply, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/nope")]
    [InlineData("/scheduler/preempt")]
    [InlineData("/scheduler/filter/extra")]
    public async Task Unknown_paths_are_404(string path)
    {
        await using var host = await ExtenderTestHost.StartAsync(ExtenderTestHost.ClassicCluster);

        Assert.Equal(404, (await host.PostAsync(path, "{}")).Status);
    }

    [Fact]
    public async Task Unknown_fields_anywhere_are_accepted()
    {
        await using var host = await ExtenderTestHost.StartAsync(ExtenderTestHost.ClassicCluster);
        var pod = ClassicPod.Replace("\"spec\":{", "\"futureField\":{\"x\":[1]},\"spec\":{\"futureSpec\":true,", StringComparison.Ordinal);

        var (status, body) = await host.PostAsync("/scheduler/filter", $$$"""{"Pod":{{{pod}}},"Nodes":null,"NodeNames":["node-2"],"FutureEnvelope":{"a":1}}""");

        Assert.Equal(200, status);
        Assert.Equal("""{"Nodes":null,"NodeNames":["node-2"],"FailedNodes":{},"FailedAndUnresolvableNodes":{},"Error":""}""", body);
    }

    [Fact]
    public async Task Envelope_keys_are_read_case_insensitively_as_Go_does()
    {
        await using var host = await ExtenderTestHost.StartAsync(ExtenderTestHost.ClassicCluster);

        var (status, body) = await host.PostAsync("/scheduler/filter", $$"""{"pod":{{ClassicPod}},"nodes":null,"nodenames":["node-2"]}""");

        Assert.Equal(200, status);
        Assert.Contains("\"NodeNames\":[\"node-2\"]", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Both_forms_in_gives_both_forms_out()
    {
        await using var host = await ExtenderTestHost.StartAsync(ExtenderTestHost.ClassicCluster);
        const string node2 = """{"metadata":{"name":"node-2","labels":{"kubernetes.io/hostname":"node-2"}},"spec":{},"status":{}}""";

        var (status, body) = await host.PostAsync("/scheduler/filter", $$"""{"Pod":{{ClassicPod}},"Nodes":{"metadata":{},"items":[{{node2}}]},"NodeNames":["node-2"]}""");

        Assert.Equal(200, status);
        Assert.Equal($$"""{"Nodes":{"metadata":{},"items":[{{node2}}]},"NodeNames":["node-2"],"FailedNodes":{},"FailedAndUnresolvableNodes":{},"Error":""}""", body);
    }

    [Fact]
    public async Task Metrics_are_exposed_for_Prometheus_under_vas()
    {
        await using var host = await ExtenderTestHost.StartAsync(ExtenderTestHost.ClassicCluster);
        await host.PostAsync("/scheduler/filter", NamesArgs(ClassicPod, "node-1", "node-2"));

        var (status, body) = await host.GetAsync("/metrics");

        Assert.Equal(200, status);
        Assert.Contains("vas_extender_request_duration_seconds_bucket{", body, StringComparison.Ordinal);
        Assert.Contains("verb=\"filter\"", body, StringComparison.Ordinal);
        Assert.Contains("vas_extender_decisions_total{", body, StringComparison.Ordinal);
        Assert.Contains("vas_index_volumes", body, StringComparison.Ordinal);
        Assert.DoesNotContain("uid-app", body, StringComparison.Ordinal);
    }

    [Fact]
    public void Go_escapes_html_characters_and_separators()
    {
        var bytes = VolumeAwareScheduler.Extender.GoJson.HtmlEscape(Encoding.UTF8.GetBytes("{\"a\":\"<x> & \"y\"\u2028é\"}"));

        Assert.Equal("{\"a\":\"\\u003cx\\u003e \\u0026 \"y\"\\u2028é\"}", Encoding.UTF8.GetString(bytes));
    }
}
