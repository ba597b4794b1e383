using Microsoft.Extensions.Logging;

namespace VolumeAwareScheduler.Telemetry;

/// <summary>Source-generated log messages. Event ids are stable: add new ones, never renumber.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Cluster state loaded from {Path}: {Nodes} node(s), {Volumes} volume(s), {PendingPods} pending pod(s)")]
    public static partial void StateLoaded(ILogger logger, string path, int nodes, int volumes, int pendingPods);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Serving without cluster state (no --cluster): readyz is not ready and every verb answers \"cluster state not loaded\"")]
    public static partial void ServingWithoutState(ILogger logger);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Debug, Message = "Filter {Pod}: {Passed} of {Nodes} node(s) pass")]
    public static partial void Filtered(ILogger logger, string pod, int passed, int nodes);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Filter {Pod} failed: {Error}")]
    public static partial void FilterError(ILogger logger, string pod, string error);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Pod {Pod} cannot be used: {Reason}")]
    public static partial void UnusablePod(ILogger logger, string pod, string reason);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Warning, Message = "The event telling why {Pod} cannot be used was not written: {Error}")]
    public static partial void UnusablePodNotReported(ILogger logger, string pod, string error);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Bound {Pod} to {Node} ({StaticBindings} static PV(s), {Provisions} claim(s) to provision)")]
    public static partial void Bound(ILogger logger, string pod, string node, int staticBindings, int provisions);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Debug, Message = "Bind {Pod} to {Node}: already bound there")]
    public static partial void AlreadyBound(ILogger logger, string pod, string node);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Warning, Message = "Bind {Pod} to {Node} refused: {Reason}")]
    public static partial void BindRefused(ILogger logger, string pod, string node, string reason);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Warning, Message = "Bind {Pod} to {Node}: the writes failed, assumption reverted: {Error}")]
    public static partial void BindWriteFailed(ILogger logger, string pod, string node, string error);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Debug, Message = "Bad {Verb} request: {Problem}")]
    public static partial void BadRequest(ILogger logger, string verb, string problem);
}
