namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>One node's score from one plugin (framework/interface.go NodeScore).</summary>
public struct NodeScore(string name, long score)
{
    /// <summary>framework.MaxNodeScore: normalized scores are within 0–100.</summary>
    public const long MaxNodeScore = 100;

    /// <summary>extender/v1 MaxExtenderPriority: the extender's prioritize scores are within 0–10.</summary>
    public const long MaxExtenderPriority = 10;

    public string Name { get; } = name;

    public long Score { get; set; } = score;
}
