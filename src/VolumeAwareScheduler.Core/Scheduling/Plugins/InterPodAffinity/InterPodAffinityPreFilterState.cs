namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>
/// InterPodAffinity's PreFilter result (filtering.go preFilterState): per topology pair, how many existing pods have a
/// required anti-affinity term the incoming pod matches, how many existing pods match all the incoming pod's required
/// affinity terms, and how many match one of its required anti-affinity terms.
/// </summary>
internal sealed class InterPodAffinityPreFilterState(
    IReadOnlyList<IncomingAffinityTerm> affinity,
    IReadOnlyList<IncomingAffinityTerm> antiAffinity,
    Dictionary<(string Key, string Value), long> existingAntiAffinityCounts,
    Dictionary<(string Key, string Value), long> affinityCounts,
    Dictionary<(string Key, string Value), long> antiAffinityCounts)
{
    public IReadOnlyList<IncomingAffinityTerm> Affinity { get; } = affinity;

    public IReadOnlyList<IncomingAffinityTerm> AntiAffinity { get; } = antiAffinity;

    public Dictionary<(string Key, string Value), long> ExistingAntiAffinityCounts { get; } = existingAntiAffinityCounts;

    public Dictionary<(string Key, string Value), long> AffinityCounts { get; } = affinityCounts;

    public Dictionary<(string Key, string Value), long> AntiAffinityCounts { get; } = antiAffinityCounts;
}
