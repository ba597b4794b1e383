using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.Scheduling;

public class FitErrorTests
{
    private static NodeOutcome Failed(string node, params string[] reasons) => new(Node(node), 0, Status.Unschedulable("Test", reasons), null);

    private const string PostFilterMessage = "Error running PostFilter plugin FailedPostFilter";

    // Ported from pkg/scheduler/framework/types_test.go TestFitError_Error; message format from
    // pkg/scheduler/framework/types.go FitError.Error.
    public static TheoryData<string, int, Status, NodeOutcome[], string?, string> FitErrors => new()
    {
        {
            "nodes failed Prefilter plugin", 3,
            Status.Unschedulable("FalsePreFilter", "Node(s) failed PreFilter plugin FalsePreFilter"),
            [Failed("node1", "Node(s) failed PreFilter plugin FalsePreFilter"), Failed("node2", "Node(s) failed PreFilter plugin FalsePreFilter"), Failed("node3", "Node(s) failed PreFilter plugin FalsePreFilter")],
            null,
            "0/3 nodes are available: Node(s) failed PreFilter plugin FalsePreFilter."
        },
        {
            "nodes failed Prefilter plugin and the preemption also failed", 3,
            Status.Unschedulable("FalsePreFilter", "Node(s) failed PreFilter plugin FalsePreFilter"),
            [Failed("node1", "Node(s) failed PreFilter plugin FalsePreFilter"), Failed("node2", "Node(s) failed PreFilter plugin FalsePreFilter"), Failed("node3", "Node(s) failed PreFilter plugin FalsePreFilter")],
            PostFilterMessage,
            "0/3 nodes are available: Node(s) failed PreFilter plugin FalsePreFilter. Error running PostFilter plugin FailedPostFilter"
        },
        {
            "nodes failed one Filter plugin with a non-empty PostFilterMsg", 3, Status.Success,
            [Failed("node1", "Node(s) failed Filter plugin FalseFilter-1"), Failed("node2", "Node(s) failed Filter plugin FalseFilter-1"), Failed("node3", "Node(s) failed Filter plugin FalseFilter-1")],
            PostFilterMessage,
            "0/3 nodes are available: 3 Node(s) failed Filter plugin FalseFilter-1. Error running PostFilter plugin FailedPostFilter"
        },
        {
            "nodes failed two Filter plugins with a non-empty PostFilterMsg", 3, Status.Success,
            [Failed("node1", "Node(s) failed Filter plugin FalseFilter-1"), Failed("node2", "Node(s) failed Filter plugin FalseFilter-1"), Failed("node3", "Node(s) failed Filter plugin FalseFilter-2")],
            PostFilterMessage,
            "0/3 nodes are available: 1 Node(s) failed Filter plugin FalseFilter-2, 2 Node(s) failed Filter plugin FalseFilter-1. Error running PostFilter plugin FailedPostFilter"
        },
        {
            "nodes failed one Filter plugin with an empty PostFilterMsg", 3, Status.Success,
            [Failed("node1", "Node(s) failed Filter plugin FalseFilter-1"), Failed("node2", "Node(s) failed Filter plugin FalseFilter-1"), Failed("node3", "Node(s) failed Filter plugin FalseFilter-1")],
            null,
            "0/3 nodes are available: 3 Node(s) failed Filter plugin FalseFilter-1."
        },
        {
            "nodes failed two Filter plugins with an empty PostFilterMsg", 3, Status.Success,
            [Failed("node1", "Node(s) failed Filter plugin FalseFilter-1"), Failed("node2", "Node(s) failed Filter plugin FalseFilter-1"), Failed("node3", "Node(s) failed Filter plugin FalseFilter-2")],
            null,
            "0/3 nodes are available: 1 Node(s) failed Filter plugin FalseFilter-2, 2 Node(s) failed Filter plugin FalseFilter-1."
        },
        {
            "failed to Permit on node", 1, Status.Success,
            [Failed("node1", "Node failed Permit plugin Permit-1")],
            null,
            "0/1 nodes are available: 1 Node failed Permit plugin Permit-1."
        },
        {
            "failed to Reserve on node", 1, Status.Success,
            [Failed("node1", "Node failed Reserve plugin Reserve-1")],
            null,
            "0/1 nodes are available: 1 Node failed Reserve plugin Reserve-1."
        },
        // Ours: a node with several reasons counts each; the histogram sorts as strings ("10 …" before "2 …").
        {
            "every reason of a node is counted, sorted as strings", 12, Status.Success,
            [.. Enumerable.Range(0, 10).Select(i => Failed($"n{i}", Reasons.BindConflict)), Failed("x", Reasons.NodeConflict, Reasons.BindConflict), Failed("y", Reasons.NodeConflict)],
            null,
            "0/12 nodes are available: 11 node(s) didn't find available persistent volumes to bind, 2 node(s) didn't match PersistentVolume's node affinity."
        },
    };

    [Theory]
    [MemberData(nameof(FitErrors))]
    public void FitMessage_like_FitError_Error(string name, int numAllNodes, Status preFilter, NodeOutcome[] outcomes, string? postFilter, string want)
    {
        var got = FitError.Message(numAllNodes, preFilter, outcomes, postFilter);
        Assert.True(want == got, $"{name}: got \"{got}\"");
    }

    [Fact]
    public void FitMessage_without_reasons_has_no_trailing_separator() =>
        Assert.Equal("0/0 nodes are available:", FitError.Message(0, Status.Success, []));
}
