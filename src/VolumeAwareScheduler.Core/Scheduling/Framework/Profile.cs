namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>A Score plugin with its weight in the weighted sum.</summary>
public readonly record struct WeightedScorePlugin(IScorePlugin Plugin, int Weight);

/// <summary>
/// A scheduling profile: the plugins of each extension point in the order they run, with score weights
/// (a KubeSchedulerProfile after defaults are merged and multiPoint is expanded). Every mode runs a profile:
/// <c>run</c> and <c>simulate</c> the default profile, <c>serve</c> a profile with VolumeBinding only.
/// </summary>
public sealed class Profile
{
    public required string SchedulerName { get; init; }

    public IReadOnlyList<IPreEnqueuePlugin> PreEnqueue { get; init; } = [];

    public IQueueSortPlugin? QueueSort { get; init; }

    public IReadOnlyList<IPreFilterPlugin> PreFilter { get; init; } = [];

    public IReadOnlyList<IFilterPlugin> Filter { get; init; } = [];

    public IReadOnlyList<IPostFilterPlugin> PostFilter { get; init; } = [];

    public IReadOnlyList<IPreScorePlugin> PreScore { get; init; } = [];

    public IReadOnlyList<WeightedScorePlugin> Score { get; init; } = [];

    public IReadOnlyList<IReservePlugin> Reserve { get; init; } = [];

    public IReadOnlyList<IPreBindPlugin> PreBind { get; init; } = [];

    public IReadOnlyList<IBindPlugin> Bind { get; init; } = [];

    /// <summary>
    /// percentageOfNodesToScore: 0 is kube-scheduler's adaptive default (50% minus 1% per 125 nodes, at least 5%);
    /// 100 evaluates every node.
    /// </summary>
    public int PercentageOfNodesToScore { get; init; }

    /// <summary>Every plugin of the profile, once each, in first-seen order.</summary>
    public IEnumerable<IPlugin> Plugins =>
        PreEnqueue.Cast<IPlugin>().Concat(QueueSort is null ? [] : [QueueSort]).Concat(PreFilter).Concat(Filter).Concat(PostFilter)
            .Concat(PreScore).Concat(Score.Select(s => s.Plugin)).Concat(Reserve).Concat(PreBind).Concat(Bind).Distinct();

    /// <summary>The plugin of this name, if the profile has it (any extension point).</summary>
    public T? Get<T>(string name) where T : class, IPlugin => Plugins.OfType<T>().FirstOrDefault(p => p.Name == name);
}
