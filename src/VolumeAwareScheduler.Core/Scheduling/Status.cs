using System.Collections.Immutable;

namespace VolumeAwareScheduler.Core.Scheduling;

/// <summary>Plugin outcome codes, as in the scheduler framework (framework/interface.go).</summary>
public enum StatusCode : byte
{
    Success,
    Error,
    Unschedulable,
    UnschedulableAndUnresolvable,
    Skip,
}

/// <summary>A plugin's answer: failures are values, with the reasons users read.</summary>
public sealed record Status(StatusCode Code, ImmutableArray<string> Reasons, string Plugin = "")
{
    public static readonly Status Success = new(StatusCode.Success, []);

    public bool IsSuccess => Code == StatusCode.Success;

    public static Status Unschedulable(string plugin, params string[] reasons) => new(StatusCode.Unschedulable, [.. reasons], plugin);

    public static Status Unresolvable(string plugin, params string[] reasons) => new(StatusCode.UnschedulableAndUnresolvable, [.. reasons], plugin);

    public static Status Error(string plugin, string message) => new(StatusCode.Error, [message], plugin);

    public string Message => string.Join(", ", Reasons);
}
