namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>
/// NodeResourcesFitArgs (kubescheduler.config.k8s.io/v1) after SetDefaults_NodeResourcesFitArgs: extended resources
/// (or whole groups, the part before "/") the Filter ignores, and the scoring strategy (LeastAllocated over cpu and
/// memory by default).
/// </summary>
public sealed record NodeResourcesFitArgs
{
    public IReadOnlyList<string> IgnoredResources { get; init; } = [];

    public IReadOnlyList<string> IgnoredResourceGroups { get; init; } = [];

    public ScoringStrategy ScoringStrategy { get; init; } = new();

    /// <summary>ValidateNodeResourcesFitArgs (apis/config/validation): every problem, with its field path.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        for (var i = 0; i < IgnoredResourceGroups.Count; i++)
        {
            if (IgnoredResourceGroups[i].Contains('/', StringComparison.Ordinal))
                errors.Add($"ignoredResourceGroups[{i}]: Invalid value: \"{IgnoredResourceGroups[i]}\": resource group name can't contain '/'");
        }
        var resources = ScoringStrategy.Resources;
        for (var i = 0; i < resources.Count; i++)
        {
            if (resources[i].Weight is <= 0 or > 100)
                errors.Add($"scoringStrategy.resources[{i}].weight: Invalid value: {resources[i].Weight}: resource weight of {resources[i].Name} not in valid range (0, 100]");
        }
        if (ScoringStrategy.Type == ScoringStrategyType.RequestedToCapacityRatio && ScoringStrategy.RequestedToCapacityRatioShape is not { Count: > 0 })
            errors.Add("scoringStrategy.shape: Required value: at least one point must be specified");
        var shape = ScoringStrategy.RequestedToCapacityRatioShape ?? [];
        for (var i = 0; i < shape.Count; i++)
        {
            var point = shape[i];
            if (i > 0 && point.Utilization <= shape[i - 1].Utilization)
                errors.Add($"scoringStrategy.shape[{i}].utilization: Invalid value: {point.Utilization}: utilization values must be sorted in increasing order");
            if (point.Utilization is < 0 or > 100) errors.Add($"scoringStrategy.shape[{i}].utilization: Invalid value: {point.Utilization}: not in valid range [0, 100]");
            if (point.Score is < 0 or > 10) errors.Add($"scoringStrategy.shape[{i}].score: Invalid value: {point.Score}: not in valid range [0, 10]");
        }
        return errors;
    }
}
