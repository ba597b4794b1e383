using System.Collections.Immutable;

namespace VolumeAwareScheduler.Core.Scheduling;

/// <summary>
/// A plugin's answer: failures are values, with the reasons users read, and the plugin that answered
/// (framework/interface.go Status). Statuses without variable parts are shared: a cycle over thousands of nodes
/// rejects most of them the same way.
/// </summary>
public sealed record Status(StatusCode Code, ImmutableArray<string> Reasons, string Plugin = "")
{
    public static readonly Status Success = new(StatusCode.Success, []);

    public bool IsSuccess => Code == StatusCode.Success;

    public bool IsSkip => Code == StatusCode.Skip;

    /// <summary>IsRejected: Unschedulable, UnschedulableAndUnresolvable or Pending.</summary>
    public bool IsRejected => Code is StatusCode.Unschedulable or StatusCode.UnschedulableAndUnresolvable or StatusCode.Pending;

    public static Status Unschedulable(string plugin, params string[] reasons) => new(StatusCode.Unschedulable, [.. reasons], plugin);

    public static Status Unresolvable(string plugin, params string[] reasons) => new(StatusCode.UnschedulableAndUnresolvable, [.. reasons], plugin);

    public static Status Error(string plugin, string message) => new(StatusCode.Error, [message], plugin);

    public static Status Skip(string plugin) => new(StatusCode.Skip, [], plugin);

    public static Status Pending(string plugin, params string[] reasons) => new(StatusCode.Pending, [.. reasons], plugin);

    /// <summary>The reasons joined by ", " (Status.Message).</summary>
    public string Message => string.Join(", ", Reasons);

    /// <summary>This status as answered by <paramref name="plugin"/> (the framework records who answered).</summary>
    public Status WithPlugin(string plugin) => Plugin == plugin ? this : this with { Plugin = plugin };
}
