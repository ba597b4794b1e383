namespace VolumeAwareScheduler.Core.Model;

/// <summary>v1.WeightedPodAffinityTerm: a preferred term and its weight (1–100).</summary>
public sealed record WeightedPodAffinityTerm(int Weight, PodAffinityTerm Term);
