using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VolumeAwareScheduler.Extender;

namespace VolumeAwareScheduler.Tests.Extender;

/// <summary>
/// The NodeNames form takes a slim path (ArgsReader, FilterReply): its replies must be byte for byte the ones the
/// general path (ExtenderArgs through System.Text.Json, ExtenderFilterResult through GoJson) gives for the same body.
/// </summary>
public sealed class ExtenderFastPathTests
{
    private const string Pod = ExtenderBehaviourTests.ClassicPod;

    /// <summary>Pods of the classic cluster: with a WFFC claim (node-2 only), without claims, with a missing claim.</summary>
    private const string PodWithoutClaims = """{"metadata":{"name":"plain","namespace":"default","uid":"uid-plain"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}""";
    private const string PodWithMissingClaim = """{"metadata":{"name":"lost","namespace":"default","uid":"uid-lost"},"spec":{"containers":[{"name":"c","image":"busybox"}],"volumes":[{"name":"v","persistentVolumeClaim":{"claimName":"nope"}}]}}""";

    public static TheoryData<string, string> Bodies() => new()
    {
        { "names known and unknown", ExtenderBehaviourTests.NamesArgs(Pod, "node-1", "node-2", "node-9") },
        { "duplicate names", ExtenderBehaviourTests.NamesArgs(Pod, "node-2", "node-1", "node-2", "node-1", "ghost", "ghost") },
        { "names needing Go's HTML escapes", ExtenderBehaviourTests.NamesArgs(Pod, "node-2", "a<b>&c", "x\u2028y") },
        { "escaped names in the request", $$"""{"Pod":{{Pod}},"Nodes":null,"NodeNames":["\u006eode-2","node\u002d1","\"q\""]}""" },
        { "unsorted unknown names", ExtenderBehaviourTests.NamesArgs(Pod, "zeta", "alpha", "Beta", "node-10", "node-1") },
        { "no names", ExtenderBehaviourTests.NamesArgs(Pod) },
        { "pod without claims passes through", ExtenderBehaviourTests.NamesArgs(PodWithoutClaims, "node-1", "ghost", "node-1") },
        { "missing claim rejects every node", ExtenderBehaviourTests.NamesArgs(PodWithMissingClaim, "node-1", "node-2") },
        { "keys in another case, Nodes absent", $$"""{"nodenames":["node-1","node-2"],"pod":{{Pod}}}""" },
        { "unknown envelope members", $$"""{"Pod":{{Pod}},"X":{"y":[1,{"z":null}]},"NodeNames":["node-2"],"Nodes":null}""" },
        { "whitespace around everything", $$"""  { "Pod" : {{Pod}} , "Nodes" : null , "NodeNames" : [ "node-1" , "node-2" ] }  """ },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Filter_and_prioritize_replies_equal_the_general_path(string because, string body)
    {
        await using var host = await ExtenderTestHost.StartAsync(ExtenderTestHost.ClassicCluster);
        var service = host.App.Services.GetRequiredService<ExtenderService>();
        using (var reader = ArgsReader.FromBytes(Encoding.UTF8.GetBytes(body), service.NodeNames))
        {
            Assert.True(reader.IsFastForm, $"{because}: expected the slim path to take this body");
        }
        var args = JsonSerializer.Deserialize(body, ExtenderJsonContext.Wire.ExtenderArgs)!;
        var expectedFilter = Encoding.UTF8.GetString(GoJson.Serialize(service.Filter(args, out var filterProblem), ExtenderJsonContext.Wire.ExtenderFilterResult));
        var expectedScores = Encoding.UTF8.GetString(GoJson.Serialize(service.Prioritize(args, out var prioritizeProblem), ExtenderJsonContext.Wire.ListHostPriority));
        Assert.Null(filterProblem);
        Assert.Null(prioritizeProblem);

        var filter = await host.PostAsync("/scheduler/filter", body);
        var prioritize = await host.PostAsync("/scheduler/prioritize", body);

        Assert.Equal((200, expectedFilter), filter);
        Assert.Equal((200, expectedScores), prioritize);
    }

    public static TheoryData<string, string> GeneralBodies() => new()
    {
        { "NodeNames null", $$"""{"Pod":{{Pod}},"Nodes":null,"NodeNames":null}""" },
        { "a null name", $$"""{"Pod":{{Pod}},"Nodes":null,"NodeNames":["node-1",null]}""" },
        { "an empty name", $$"""{"Pod":{{Pod}},"Nodes":null,"NodeNames":["node-1",""]}""" },
        { "the Nodes form", $$"""{"Pod":{{Pod}},"Nodes":{"metadata":{},"items":[]},"NodeNames":null}""" },
        { "Pod given twice", $$"""{"Pod":{{Pod}},"Pod":{{Pod}},"NodeNames":["node-1"]}""" },
        { "trailing content", $$"""{"Pod":{{Pod}},"NodeNames":["node-1"]} x""" },
        { "Pod null", """{"Pod":null,"NodeNames":["node-1"]}""" },
        { "not an object", "[1]" },
        { "empty", "" },
    };

    [Theory]
    [MemberData(nameof(GeneralBodies))]
    public async Task Other_bodies_take_the_general_path(string because, string body)
    {
        await using var host = await ExtenderTestHost.StartAsync(ExtenderTestHost.ClassicCluster);
        var service = host.App.Services.GetRequiredService<ExtenderService>();

        using var reader = ArgsReader.FromBytes(Encoding.UTF8.GetBytes(body), service.NodeNames);

        Assert.False(reader.IsFastForm, because);
    }

    [Fact]
    public async Task Node_names_are_shared_between_requests()
    {
        await using var host = await ExtenderTestHost.StartAsync(ExtenderTestHost.ClassicCluster);
        var table = host.App.Services.GetRequiredService<ExtenderService>().NodeNames;
        var body = Encoding.UTF8.GetBytes(ExtenderBehaviourTests.NamesArgs(Pod, "node-1", "node-2"));

        using var first = ArgsReader.FromBytes(body, table);
        using var second = ArgsReader.FromBytes(body, table);

        Assert.Same(first.Names[0], second.Names[0]);
        Assert.Same(first.Names[1], second.Names[1]);
        Assert.Equal(2, table.Count);
    }
}
