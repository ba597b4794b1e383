namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>
/// What the framework knows of each <see cref="ExtensionPoint"/>: its name in a configuration, the interface a plugin
/// implements to take part in it (framework/interface.go). Permit and PostBind have no interface here (no plugin of this
/// scheduler implements them), so no plugin can be enabled there.
/// </summary>
public static class ExtensionPoints
{
    /// <summary>The specific points in the order upstream's framework visits them (framework.go getExtensionPoints).</summary>
    public static IReadOnlyList<ExtensionPoint> FrameworkOrder { get; } =
    [
        ExtensionPoint.PreFilter, ExtensionPoint.Filter, ExtensionPoint.PostFilter, ExtensionPoint.Reserve, ExtensionPoint.PreScore,
        ExtensionPoint.Score, ExtensionPoint.PreBind, ExtensionPoint.Bind, ExtensionPoint.PostBind, ExtensionPoint.Permit,
        ExtensionPoint.PreEnqueue, ExtensionPoint.QueueSort,
    ];

    /// <summary>The point's field in kubescheduler.config.k8s.io/v1 Plugins: <c>preFilter</c>, <c>multiPoint</c>…</summary>
    public static string ConfigName(ExtensionPoint point)
    {
        var name = point.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }

    /// <summary>Upstream's interface name, as its framework errors say it: <c>FilterPlugin</c>.</summary>
    public static string PluginTypeName(ExtensionPoint point) => $"{point}Plugin";

    /// <summary>Whether <paramref name="plugin"/> implements the point's interface.</summary>
    public static bool Implements(IPlugin plugin, ExtensionPoint point) => point switch
    {
        ExtensionPoint.PreEnqueue => plugin is IPreEnqueuePlugin,
        ExtensionPoint.QueueSort => plugin is IQueueSortPlugin,
        ExtensionPoint.PreFilter => plugin is IPreFilterPlugin,
        ExtensionPoint.Filter => plugin is IFilterPlugin,
        ExtensionPoint.PostFilter => plugin is IPostFilterPlugin,
        ExtensionPoint.PreScore => plugin is IPreScorePlugin,
        ExtensionPoint.Score => plugin is IScorePlugin,
        ExtensionPoint.Reserve => plugin is IReservePlugin,
        ExtensionPoint.PreBind => plugin is IPreBindPlugin,
        ExtensionPoint.Bind => plugin is IBindPlugin,
        _ => false,
    };
}
