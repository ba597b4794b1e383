using System.Text.Json.Nodes;
using VolumeAwareScheduler.ApiEmulator.Resources;

namespace VolumeAwareScheduler.ApiEmulator.Tests.Resources;

/// <summary>rest.BeforeDelete with the pod strategy's CheckGracefulDelete, case by case.</summary>
public sealed class GracefulDeletionTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 10, 0, 0, TimeSpan.Zero);

    private static JsonObject Pod(string? nodeName = "node-1", string? phase = "Running", long? terminationGrace = null, string? deletionTimestamp = null, long? deletionGrace = null)
    {
        var pod = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "web", ["generation"] = 1 },
            ["spec"] = new JsonObject(),
            ["status"] = new JsonObject(),
        };
        if (nodeName is not null) pod["spec"]!["nodeName"] = nodeName;
        if (phase is not null) pod["status"]!["phase"] = phase;
        if (terminationGrace is not null) pod["spec"]!["terminationGracePeriodSeconds"] = terminationGrace;
        if (deletionTimestamp is not null) pod["metadata"]!["deletionTimestamp"] = deletionTimestamp;
        if (deletionGrace is not null) pod["metadata"]!["deletionGracePeriodSeconds"] = deletionGrace;
        return pod;
    }

    public static TheoryData<string, JsonObject, long?, string, long, int> Cases => new()
    {
        // name, pod, requested grace, expected action, expected period, deletion timestamp as seconds after Now
        { "requested period on a scheduled pod", Pod(), 10L, "Graceful", 10, 10 },
        { "no request: the pod's terminationGracePeriodSeconds", Pod(terminationGrace: 7), null, "Graceful", 7, 7 },
        { "no request and no period: the API default of 30 s", Pod(), null, "Graceful", 30, 30 },
        { "grace period 0 deletes at once", Pod(), 0L, "Immediate", 0, 0 },
        { "negative request counts as 1 s", Pod(), -5L, "Graceful", 1, 1 },
        { "unscheduled pod is deleted at once", Pod(nodeName: null), 30L, "Immediate", 0, 0 },
        { "succeeded pod is deleted at once", Pod(phase: "Succeeded"), 30L, "Immediate", 0, 0 },
        { "failed pod is deleted at once", Pod(phase: "Failed"), 30L, "Immediate", 0, 0 },
        { "already deleting: a longer period changes nothing", Pod(deletionTimestamp: "2026-12-04T10:00:30Z", deletionGrace: 30), 60L, "Pending", 30, 0 },
        { "already deleting: no period changes nothing", Pod(deletionTimestamp: "2026-12-04T10:00:30Z", deletionGrace: 30), null, "Pending", 30, 0 },
        { "already deleting: a shorter period moves the timestamp by the difference", Pod(deletionTimestamp: "2026-12-04T10:00:30Z", deletionGrace: 30), 5L, "Graceful", 5, 5 },
        { "already deleting: period 0 deletes at once", Pod(deletionTimestamp: "2026-12-04T10:00:30Z", deletionGrace: 30), 0L, "Immediate", 0, 0 },
        { "already deleting without a period (finalizers): at once", Pod(deletionTimestamp: "2026-12-04T10:00:00Z", deletionGrace: 0), 30L, "Immediate", 0, 0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decides_like_BeforeDelete_and_CheckGracefulDelete(string name, JsonObject pod, long? requested, string action, long period, int endsAfterSeconds)
    {
        var decision = GracefulDeletion.Decide(pod, requested, Now);

        Assert.True(action == decision.Action.ToString(), $"{name}: expected {action}, got {decision.Action}");
        Assert.Equal(period, decision.GracePeriodSeconds);
        if (action == nameof(DeletionAction.Graceful))
        {
            Assert.Equal(Now.AddSeconds(endsAfterSeconds), decision.DeletionTimestamp);
        }
    }

    [Fact]
    public void A_first_graceful_delete_bumps_the_generation_and_a_shortening_one_does_not()
    {
        var pod = Pod();
        GracefulDeletion.Mark(pod, GracefulDeletion.Decide(pod, 30, Now), "2026-12-04T10:00:30Z");
        Assert.Equal(2, (long?)pod["metadata"]!["generation"]);
        Assert.Equal(30, (long?)pod["metadata"]!["deletionGracePeriodSeconds"]);

        GracefulDeletion.Mark(pod, GracefulDeletion.Decide(pod, 5, Now), "2026-12-04T10:00:05Z");
        Assert.Equal(2, (long?)pod["metadata"]!["generation"]);
        Assert.Equal("2026-12-04T10:00:05Z", (string?)pod["metadata"]!["deletionTimestamp"]);
    }
}
