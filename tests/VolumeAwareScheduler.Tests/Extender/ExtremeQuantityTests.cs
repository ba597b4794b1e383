using System.Text.Json;

namespace VolumeAwareScheduler.Tests.Extender;

/// <summary>
/// A pod whose quantity is extreme: filter and prioritize answer 400 with a message naming the field, promptly (they used
/// to spin a request thread forever on -1e+308), and the next request is answered as usual. Real request bodies, as
/// kube-scheduler sends them, in both forms (NodeNames and Nodes).
/// </summary>
public sealed class ExtremeQuantityTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>The quantity as it appears in the JSON (a number or a string), and what the answer says about it.</summary>
    public static TheoryData<string, string> Quantities() => new()
    {
        { "-1e+308", "spec.containers[0].resources.requests.cpu \\\"-1e+308\\\" must be greater than or equal to 0" },
        { "\"1e1000000000\"", "spec.containers[0].resources.requests.cpu \\\"1e1000000000\\\" is out of range" },
        { "\"-1\"", "spec.containers[0].resources.requests.cpu \\\"-1\\\" must be greater than or equal to 0" },
        { "\"9999999999999999999999Ei\"", "spec.containers[0].resources.requests.cpu \\\"9999999999999999999999Ei\\\" is out of range" },
        { "1e400", "spec.containers[0].resources.requests.cpu \\\"1e400\\\" is out of range" },
        { "\"NaN\"", "spec.containers[0].resources.requests.cpu \\\"NaN\\\" is not a valid quantity" },
    };

    private static string Pod(string cpu) =>
        """{"metadata":{"name":"app","namespace":"default","uid":"uid-app"},"spec":{"containers":[{"name":"c","image":"busybox","resources":{"requests":{"cpu":"""
        + cpu + """}}}],"volumes":[{"name":"data","persistentVolumeClaim":{"claimName":"data"}}]}}""";

    [Theory]
    [MemberData(nameof(Quantities))]
    public async Task Filter_answers_400_naming_the_field_and_goes_on(string cpu, string expected)
    {
        await using var host = await ExtenderTestHost.StartAsync(ExtenderTestHost.ClassicCluster);
        var names = ExtenderBehaviourTests.NamesArgs(Pod(cpu), "node-1", "node-2");
        var nodes = """{"Pod":""" + Pod(cpu) + ""","Nodes":{"metadata":{},"items":[{"metadata":{"name":"node-1"}},{"metadata":{"name":"node-2"}}]},"NodeNames":null}""";

        foreach (var (path, body) in new[] { ("/scheduler/filter", names), ("/scheduler/filter", nodes), ("/scheduler/prioritize", names) })
        {
            var (status, reply) = await host.PostAsync(path, body).WaitAsync(Bound);

            Assert.Equal(400, status);
            Assert.Contains("\"detail\":\"Pod cannot be used: " + expected, reply, StringComparison.Ordinal);
        }

        var (okStatus, okReply) = await host.PostAsync("/scheduler/filter", ExtenderBehaviourTests.NamesArgs(ExtenderBehaviourTests.ClassicPod, "node-1", "node-2")).WaitAsync(Bound);
        Assert.Equal(200, okStatus);
        Assert.Equal("", JsonDocument.Parse(okReply).RootElement.GetProperty("Error").GetString());
    }
}
