namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>FitError.Error (pkg/scheduler/framework/types.go): the message of a pod that fits no node.</summary>
public static class FitError
{
    /// <summary>
    /// "0/N nodes are available: " then either the PreFilter message or the histogram of node reasons ("count reason",
    /// sorted as strings, joined by ", "), then "."; then a space and the PostFilter message as it is (it carries its
    /// own period: "preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.").
    /// </summary>
    public static string Message(int nodeCount, Status preFilter, IReadOnlyList<NodeOutcome> outcomes, string? postFilterMessage = null) =>
        FromStatuses(nodeCount, preFilter, outcomes.Select(o => o.Status), postFilterMessage);

    /// <summary>
    /// <see cref="Message(int, Status, IReadOnlyList{NodeOutcome}, string?)"/> from the nodes' statuses (those that
    /// passed are ignored). Nodes rejected the same way share one status: its reasons are counted once per status.
    /// </summary>
    public static string FromStatuses(int nodeCount, Status preFilter, IEnumerable<Status> statuses, string? postFilterMessage = null)
    {
        var message = Reasons.NoNodeAvailable(nodeCount) + ":";
        if (preFilter.IsRejected)
        {
            message += $" {preFilter.Message}.";
        }
        else
        {
            var byStatus = new Dictionary<Status, int>(ReferenceEqualityComparer.Instance);
            foreach (var status in statuses)
            {
                if (!status.IsSuccess) byStatus[status] = byStatus.GetValueOrDefault(status) + 1;
            }
            var histogram = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (status, count) in byStatus)
            {
                foreach (var reason in status.Reasons) histogram[reason] = histogram.GetValueOrDefault(reason) + count;
            }
            var parts = histogram.Select(p => $"{p.Value} {p.Key}").ToList();
            parts.Sort(StringComparer.Ordinal);
            if (parts.Count > 0) message += $" {string.Join(", ", parts)}.";
        }
        if (!string.IsNullOrEmpty(postFilterMessage)) message += $" {postFilterMessage}";
        return message;
    }
}
