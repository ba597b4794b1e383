using Microsoft.Extensions.Logging;

namespace VolumeAwareScheduler.ApiEmulator;

/// <summary>Source-generated log messages. Event ids are stable: 1xx HTTP, 2xx watch, 3xx controllers, 4xx lifecycle.</summary>
internal static partial class Log
{
    [LoggerMessage(101, LogLevel.Error, "Unhandled error serving {Method} {Path}")]
    public static partial void RequestFailed(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(102, LogLevel.Debug, "Injected fault {StatusCode} for {Verb} {Resource}")]
    public static partial void FaultInjected(ILogger logger, int statusCode, string verb, string resource);

    [LoggerMessage(103, LogLevel.Debug, "Interrupt {Stage} {Verb} {Resource}")]
    public static partial void Interrupted(ILogger logger, string stage, string verb, string resource);

    [LoggerMessage(201, LogLevel.Debug, "Watch on {Resource} opened from resourceVersion {ResourceVersion}")]
    public static partial void WatchOpened(ILogger logger, string resource, string resourceVersion);

    [LoggerMessage(202, LogLevel.Debug, "Watch on {Resource} closed after {EventCount} events")]
    public static partial void WatchClosed(ILogger logger, string resource, int eventCount);

    [LoggerMessage(301, LogLevel.Error, "Controller {Controller} failed handling a {Kind} event")]
    public static partial void ControllerFailed(ILogger logger, Exception exception, string controller, string kind);

    [LoggerMessage(302, LogLevel.Debug, "Controller {Controller}: {Action} {Kind} {Key}")]
    public static partial void ControllerAction(ILogger logger, string controller, string action, string kind, string key);

    [LoggerMessage(303, LogLevel.Debug, "Controller {Controller}: write to {Kind} {Key} rejected: {Reason}; waiting for the next event")]
    public static partial void ControllerWriteRejected(ILogger logger, string controller, string kind, string key, string reason);

    [LoggerMessage(304, LogLevel.Error, "Controller {Controller} failed doing its timed work")]
    public static partial void ControllerTickFailed(ILogger logger, Exception exception, string controller);

    [LoggerMessage(401, LogLevel.Information, "API emulator listening on {BaseAddress}")]
    public static partial void Started(ILogger logger, Uri baseAddress);
}
