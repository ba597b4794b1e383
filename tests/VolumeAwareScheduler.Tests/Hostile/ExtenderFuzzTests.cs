using System.Net.Http.Headers;
using System.Text;
using VolumeAwareScheduler.Configuration;
using VolumeAwareScheduler.Tests.Extender;

namespace VolumeAwareScheduler.Tests.Hostile;

/// <summary>
/// Every endpoint of serve under seeded hostile input: each request is answered with 200 (a domain answer) or a 4xx
/// within the cancellation bound; never a 5xx, a hang or a crash; and the host answers normally afterwards.
/// </summary>
public sealed class ExtenderFuzzTests
{
    private const int CasesPerEndpoint = 120;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>A pod touching every decoded field family: quantities, selectors, affinity terms, spread, ports, volumes.</summary>
    internal const string RichPod = """
        {"metadata":{"name":"app","namespace":"default","uid":"uid-app","labels":{"app":"web","tier":"db"}},
         "spec":{"schedulerName":"volume-aware-scheduler","priority":5,"nodeName":"","nodeSelector":{"kubernetes.io/hostname":"node-2"},
          "overhead":{"cpu":"10m"},
          "initContainers":[{"name":"i","image":"busybox","restartPolicy":"Always","resources":{"requests":{"cpu":"100m","memory":"64Mi"}}}],
          "containers":[{"name":"c","image":"busybox","ports":[{"containerPort":80,"hostPort":8080,"protocol":"TCP","hostIP":"0.0.0.0"}],
            "resources":{"requests":{"cpu":"500m","memory":"1Gi","ephemeral-storage":"1Gi","example.com/gpu":"1","hugepages-2Mi":"2Mi"},"limits":{"cpu":"1"}}}],
          "tolerations":[{"key":"k","operator":"Equal","value":"v","effect":"NoSchedule","tolerationSeconds":30}],
          "schedulingGates":[],
          "affinity":{
            "nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"size","operator":"Gt","values":["3"]}],"matchFields":[{"key":"metadata.name","operator":"In","values":["node-2"]}]}]},
              "preferredDuringSchedulingIgnoredDuringExecution":[{"weight":10,"preference":{"matchExpressions":[{"key":"zone","operator":"In","values":["a","b"]}]}}]},
            "podAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":[{"labelSelector":{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"NotIn","values":["x"]}]},"topologyKey":"kubernetes.io/hostname","namespaces":["default"],"namespaceSelector":{},"matchLabelKeys":["app"]}]},
            "podAntiAffinity":{"preferredDuringSchedulingIgnoredDuringExecution":[{"weight":100,"podAffinityTerm":{"labelSelector":{"matchExpressions":[{"key":"app","operator":"Exists"}]},"topologyKey":"zone"}}]}},
          "topologySpreadConstraints":[{"maxSkew":1,"topologyKey":"zone","whenUnsatisfiable":"DoNotSchedule","labelSelector":{"matchLabels":{"app":"web"}},"minDomains":2,"nodeAffinityPolicy":"Honor","nodeTaintsPolicy":"Ignore","matchLabelKeys":["tier"]}],
          "volumes":[{"name":"data","persistentVolumeClaim":{"claimName":"data","readOnly":false}},
            {"name":"scratch","ephemeral":{"volumeClaimTemplate":{"spec":{"accessModes":["ReadWriteOnce"],"storageClassName":"local","resources":{"requests":{"storage":"1Gi"}},"selector":{"matchLabels":{"disk":"ssd"}}}}}}]},
         "status":{"phase":"Pending"}}
        """;

    private static string Names(string pod) => $$"""{"Pod":{{pod}},"Nodes":null,"NodeNames":["node-1","node-2","node-gone"]}""";

    private static string Nodes(string pod) => $$$"""
        {"Pod":{{{pod}}},"Nodes":{"metadata":{},"items":[{"metadata":{"name":"node-1","labels":{"size":"4","zone":"a"}},"spec":{"taints":[{"key":"k","value":"v","effect":"NoSchedule"}]},
          "status":{"allocatable":{"cpu":"4","memory":"8Gi","pods":"110","example.com/gpu":"2"},"images":[{"names":["busybox"],"sizeBytes":1000}]}}]},"NodeNames":null}
        """;

    private const string Bind = """{"PodName":"app","PodNamespace":"default","PodUID":"uid-app","Node":"node-2"}""";

    public static TheoryData<string, string> Endpoints => new()
    {
        { "/scheduler/filter", Names(RichPod) },
        { "/scheduler/filter", Nodes(RichPod) },
        { "/scheduler/prioritize", Names(RichPod) },
        { "/scheduler/prioritize", Nodes(RichPod) },
        { "/scheduler/bind", Bind },
        { "/scheduler/explain", RichPod },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Hostile_bodies_get_a_4xx_or_an_answer_never_a_5xx(string path, string valid)
    {
        var logs = new RecordingLoggerProvider();
        await using var host = await ExtenderTestHost.StartAsync(new ServeOptions { ClusterFile = ExtenderTestHost.ClassicCluster, MaxRequestBytes = 4 * 1024 * 1024 }, logs);
        var input = new HostileInput(seed: path.Length * 7919 + valid.Length);
        var (status, _) = await Post(host, path, Encoding.UTF8.GetBytes(valid), -1);
        Assert.True(status < 500, $"the valid body got {status}");

        for (var i = 0; i < CasesPerEndpoint; i++)
        {
            var body = input.Mutate(valid);
            (status, var reply) = await Post(host, path, body, i);
            Assert.True(status is 200 or 400 or 404 or 413 or 415,
                $"case {i} of {path}: HTTP {status} {Shorten(reply)} for {Shorten(Encoding.UTF8.GetString(body))}\n{logs.Entries.LastOrDefault(e => e.Exception is not null).Exception}");
        }

        Assert.Equal(200, (await host.GetAsync("/healthz")).Status);
        (status, _) = await host.PostAsync("/scheduler/filter", ExtenderBehaviourTests.NamesArgs(ExtenderBehaviourTests.ClassicPod, "node-1", "node-2"));
        Assert.Equal(200, status);
    }

    [Fact]
    public async Task Hostile_queries_and_methods_on_every_route_get_a_4xx_or_an_answer()
    {
        await using var host = await ExtenderTestHost.StartAsync(ExtenderTestHost.ClassicCluster);
        var input = new HostileInput(seed: 20261206);
        string[] paths = ["/healthz", "/readyz", "/metrics", "/scheduler/explain", "/scheduler/filter", "/scheduler/prioritize", "/scheduler/bind"];
        string[] queries = ["", "?pod=", "?pod=default/app", "?pod=/", "?pod=%FF%FE", "?pod=" + new string('a', 20_000), "?pod=a/b/c", "?pod=%00", "?pod=default%2Fapp&pod=x", "?x=" + new string('%', 3)];
        HttpMethod[] methods = [HttpMethod.Get, HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Head, HttpMethod.Options, HttpMethod.Patch];
        for (var i = 0; i < CasesPerEndpoint * 2; i++)
        {
            var path = paths[input.Next(paths.Length)] + queries[input.Next(queries.Length)];
            using var request = new HttpRequestMessage(methods[input.Next(methods.Length)], path);
            if (request.Method != HttpMethod.Get && request.Method != HttpMethod.Head)
            {
                request.Content = new ByteArrayContent(input.Mutate(RichPod));
                request.Content.Headers.ContentType = new MediaTypeHeaderValue(input.Next(3) == 0 ? "text/plain" : "application/json");
            }
            using var timeout = new CancellationTokenSource(Bound);
            using var response = await host.Client.SendAsync(request, timeout.Token);
            Assert.True((int)response.StatusCode < 500, $"case {i}: {request.Method} {Shorten(path)}: HTTP {(int)response.StatusCode}");
        }
        Assert.Equal(200, (await host.GetAsync("/healthz")).Status);
    }

    private static async Task<(int Status, string Body)> Post(ExtenderTestHost host, string path, byte[] body, int index)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var timeout = new CancellationTokenSource(Bound);
        try
        {
            using var response = await host.Client.PostAsync(path, content, timeout.Token);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(timeout.Token));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            Assert.Fail($"case {index} of {path}: no answer within {Bound.TotalSeconds}s for {Shorten(Encoding.UTF8.GetString(body))}");
            throw;
        }
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + $"… ({text.Length} chars)";
}
