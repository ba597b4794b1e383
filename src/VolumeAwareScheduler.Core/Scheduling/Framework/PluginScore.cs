namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>One plugin's score of one node: raw, after NormalizeScore (0–100), and times the plugin's weight.</summary>
public readonly record struct PluginScore(string Plugin, long Raw, long Normalized, long Weighted);
