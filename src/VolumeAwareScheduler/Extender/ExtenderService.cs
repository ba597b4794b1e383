using System.Diagnostics;
using System.Text.Json;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using VolumeAwareScheduler.Configuration;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Hosting;
using VolumeAwareScheduler.Kubernetes.Cache;
using VolumeAwareScheduler.Kubernetes.Conversion;
using VolumeAwareScheduler.Telemetry;

namespace VolumeAwareScheduler.Extender;

/// <summary>
/// The extender verbs between the wire and the decisions: validates and converts the request, reads the store's
/// published state, calls <see cref="ExtenderCycle"/>, and shapes the answer in the form it was asked (NodeNames in → NodeNames
/// out; Nodes in → Nodes out, the passing nodes echoed as received; both in → both out, contract P4).
/// A <c>Problem</c> is returned only for malformed input; every domain outcome is an answer.
/// </summary>
public sealed class ExtenderService(ClusterSource source, ExtenderCycle extender, PodRegistry pods, ExtenderMetrics metrics, ServeOptions options, ILogger<ExtenderService> logger,
    UnusablePodEvents unusablePods)
{
    /// <summary>Decisions running now: above one, each runs on one core (the others are busy with the other requests).</summary>
    private int _decisionsInFlight;

    public long MaxRequestBytes => options.MaxRequestBytes;

    /// <summary>The node names seen in requests, shared between requests.</summary>
    public NodeNameTable NodeNames { get; } = new();

    /// <summary>
    /// Filter for the NodeNames form, from the request's Pod JSON and its names (<see cref="ArgsReader"/>): the reply is
    /// written straight into a pooled buffer (<see cref="FilterReply"/>). Same answers as <see cref="Filter"/>.
    /// </summary>
    public PooledJson? FilterNames(ReadOnlyMemory<byte> podJson, ArraySegment<string> names, out string? problem)
    {
        using var activity = ExtenderMetrics.ActivitySource.StartActivity("extender filter");
        var started = Stopwatch.GetTimestamp();
        var outcome = "ok";
        try
        {
            if (!TryConvertPod(podJson, out var pod, out problem, out var unusable))
            {
                outcome = "bad_request";
                if (unusable is not null) unusablePods.Report(unusable);
                return null;
            }
            Tag(activity, pod!, names.Count);
            if (source.Cache is not { } store)
            {
                outcome = "not_ready";
                return FilterReply.Serialize(ExtenderFilterResult.Failure(ClusterSource.NotLoadedReason), ExtenderJsonContext.Wire.ExtenderFilterResult);
            }
            pods.Remember(pod!);
            using var decision = Decide(store, pod!, names);
            if (decision.Error is { } error)
            {
                outcome = "error";
                Log.FilterError(logger, pod!.Key.ToString(), error);
                return FilterReply.Serialize(ExtenderFilterResult.Failure(error), ExtenderJsonContext.Wire.ExtenderFilterResult);
            }
            var reply = FilterReply.Write(names, decision, metrics);
            if (logger.IsEnabled(LogLevel.Debug))
            {
                var passed = 0;
                foreach (var verdict in decision.Verdicts) passed += verdict.Status.IsSuccess ? 1 : 0;
                Log.Filtered(logger, pod!.Key.ToString(), decision.PassThrough ? names.Count : passed, names.Count);
            }
            return reply;
        }
        finally
        {
            metrics.RequestDone("filter", outcome, Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>Prioritize for the NodeNames form (see <see cref="FilterNames"/>); same answers as <see cref="Prioritize"/>.</summary>
    public PooledJson? PrioritizeNames(ReadOnlyMemory<byte> podJson, ArraySegment<string> names, out string? problem)
    {
        using var activity = ExtenderMetrics.ActivitySource.StartActivity("extender prioritize");
        var started = Stopwatch.GetTimestamp();
        var outcome = "ok";
        try
        {
            if (!TryConvertPod(podJson, out var pod, out problem, out _))
            {
                outcome = "bad_request";
                return null;
            }
            Tag(activity, pod!, names.Count);
            List<HostPriority> scores;
            if (source.Cache is not { } store)
            {
                outcome = "not_ready";
                scores = [.. names.Select(n => new HostPriority { Host = n, Score = 0 })];
            }
            else
            {
                pods.Remember(pod!);
                scores = Rank(store, pod!, names);
            }
            return FilterReply.Serialize(scores, ExtenderJsonContext.Wire.ListHostPriority);
        }
        finally
        {
            metrics.RequestDone("prioritize", outcome, Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>The decision on the store's published state; parallel over the nodes only while it is the only one running.</summary>
    private FilterDecision Decide(ClusterCache store, PodInfo pod, IReadOnlyList<string> names)
    {
        var parallel = Interlocked.Increment(ref _decisionsInFlight) == 1;
        try
        {
            return store.Read((pod, names, parallel, extender), static (state, a) => a.extender.Filter(state, a.pod, a.names, a.parallel, volumes: false));
        }
        finally
        {
            Interlocked.Decrement(ref _decisionsInFlight);
        }
    }

    /// <summary>Prioritize's decision on the store's published state, parallel as <see cref="Decide"/> is.</summary>
    private List<HostPriority> Rank(ClusterCache store, PodInfo pod, IReadOnlyList<string> names)
    {
        var parallel = Interlocked.Increment(ref _decisionsInFlight) == 1;
        try
        {
            return store.Read((pod, names, parallel, extender), static (state, a) => a.extender.Prioritize(state, a.pod, a.names, a.parallel));
        }
        finally
        {
            Interlocked.Decrement(ref _decisionsInFlight);
        }
    }

    /// <summary>Converts the Pod's JSON text (a JSON object) at the boundary, as <see cref="TryConvertPod(JsonElement, out PodInfo?, out string?, out UnusablePod?)"/>.</summary>
    public static bool TryConvertPod(ReadOnlyMemory<byte> podJson, out PodInfo? pod, out string? problem, out UnusablePod? unusable)
    {
        using var document = JsonDocument.Parse(podJson, new JsonDocumentOptions { MaxDepth = 256 });
        return TryConvertPod(document.RootElement, out pod, out problem, out unusable);
    }

    public ExtenderFilterResult Filter(ExtenderArgs args, out string? problem)
    {
        using var activity = ExtenderMetrics.ActivitySource.StartActivity("extender filter");
        var started = Stopwatch.GetTimestamp();
        var outcome = "ok";
        try
        {
            if (!TryReadArgs(args, out var pod, out var names, out problem, out var unusable))
            {
                outcome = "bad_request";
                if (unusable is not null) unusablePods.Report(unusable);
                return ExtenderFilterResult.Failure(problem!);
            }
            Tag(activity, pod!, names!.Count);
            if (source.Cache is not { } store)
            {
                outcome = "not_ready";
                return ExtenderFilterResult.Failure(ClusterSource.NotLoadedReason);
            }
            pods.Remember(pod!);
            using var decision = Decide(store, pod!, names);
            if (decision.Error is { } error)
            {
                outcome = "error";
                Log.FilterError(logger, pod!.Key.ToString(), error);
                return ExtenderFilterResult.Failure(error);
            }
            var result = Shape(args, names, decision);
            Log.Filtered(logger, pod!.Key.ToString(), names.Count - result.FailedNodes!.Count - result.FailedAndUnresolvableNodes!.Count, names.Count);
            return result;
        }
        finally
        {
            metrics.RequestDone("filter", outcome, Stopwatch.GetElapsedTime(started));
        }
    }

    public List<HostPriority> Prioritize(ExtenderArgs args, out string? problem)
    {
        using var activity = ExtenderMetrics.ActivitySource.StartActivity("extender prioritize");
        var started = Stopwatch.GetTimestamp();
        var outcome = "ok";
        try
        {
            if (!TryReadArgs(args, out var pod, out var names, out problem, out _))
            {
                outcome = "bad_request";
                return [];
            }
            Tag(activity, pod!, names!.Count);
            if (source.Cache is not { } store)
            {
                // prioritize has no Error field, and kube-scheduler ignores its failures anyway: no opinion.
                outcome = "not_ready";
                return [.. names.Select(n => new HostPriority { Host = n, Score = 0 })];
            }
            pods.Remember(pod!);
            return Rank(store, pod!, names);
        }
        finally
        {
            metrics.RequestDone("prioritize", outcome, Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>Checks a bind request's shape; null when it is usable.</summary>
    public static string? ValidateBinding(ExtenderBindingArgs args)
    {
        var missing = new List<string>();
        if (string.IsNullOrEmpty(args.PodName)) missing.Add("PodName");
        if (string.IsNullOrEmpty(args.PodNamespace)) missing.Add("PodNamespace");
        if (string.IsNullOrEmpty(args.Node)) missing.Add("Node");
        return missing.Count == 0 ? null : $"{string.Join(", ", missing)} {(missing.Count == 1 ? "is" : "are")} required";
    }

    public PodExplanation? Explain(PodInfo pod) =>
        source.Cache?.Read((pod, extender), static (state, a) => a.extender.Explain(state, a.pod));

    /// <summary>The pod to explain by name: the latest seen in a filter, a pending pod of the snapshot, or a running one.</summary>
    public PodInfo? FindPod(ObjectKey key) =>
        pods.ByKey(key) ?? source.Cache?.Read(key, static (state, key) => state.GetPod(key));

    /// <summary>Decodes a v1.Pod with KubernetesClient's models and converts it at the boundary (Converter.ToPod).</summary>
    public static bool TryConvertPod(JsonElement json, out PodInfo? pod, out string? problem) => TryConvertPod(json, out pod, out problem, out _);

    /// <summary>
    /// As <see cref="TryConvertPod(JsonElement, out PodInfo?, out string?)"/>; <paramref name="unusable"/> is set when the
    /// Pod decoded (so it is known) but cannot be converted. Quantities are read as text (<see cref="QuantityJson"/>):
    /// a JSON number such as -1e+308 never reaches floating point or unbounded arithmetic.
    /// </summary>
    public static bool TryConvertPod(JsonElement json, out PodInfo? pod, out string? problem, out UnusablePod? unusable)
    {
        pod = null;
        problem = null;
        unusable = null;
        if (json.ValueKind != JsonValueKind.Object)
        {
            problem = $"Pod must be a JSON object, not {json.ValueKind}";
            return false;
        }
        if (JsonShape.Problem(json) is { } shape)
        {
            problem = $"Pod is not a valid v1.Pod: {shape}";
            return false;
        }
        V1Pod? model = null;
        try
        {
            model = KubernetesJson.Deserialize<V1Pod>(json, QuantityJson.Options);
            pod = Converter.ToPod(model);
            return true;
        }
        catch (JsonException e)
        {
            problem = $"Pod is not a valid v1.Pod: {e.Message}";
        }
        catch (ConversionException e)
        {
            problem = $"Pod cannot be used: {e.Message}";
            if (model?.Metadata?.Name is { Length: > 0 } name)
            {
                var key = new ObjectKey(string.IsNullOrEmpty(model.Metadata.NamespaceProperty) ? "default" : model.Metadata.NamespaceProperty, name);
                unusable = new UnusablePod(key, model.Metadata.Uid ?? "", problem);
            }
        }
        catch (FormatException e)
        {
            problem = $"Pod is not a valid v1.Pod: {e.Message}";
        }
        return false;
    }

    private static bool TryReadArgs(ExtenderArgs args, out PodInfo? pod, out List<string>? names, out string? problem, out UnusablePod? unusable)
    {
        names = null;
        pod = null;
        unusable = null;
        if (args.Pod is not { } podJson || podJson.ValueKind == JsonValueKind.Null)
        {
            problem = "Pod is required";
            return false;
        }
        if (!TryConvertPod(podJson, out pod, out problem, out unusable)) return false;
        if (args.NodeNames is null && args.Nodes is null)
        {
            problem = "one of Nodes or NodeNames is required";
            return false;
        }
        if (args.NodeNames is { } given)
        {
            if (given.Any(string.IsNullOrEmpty))
            {
                problem = "NodeNames must not contain null or empty names";
                return false;
            }
            names = given;
        }
        else
        {
            names = new List<string>(args.Nodes!.Items?.Count ?? 0);
            foreach (var (item, i) in (args.Nodes!.Items ?? []).Select((n, i) => (n, i)))
            {
                if (item?.Name is not { Length: > 0 } name)
                {
                    problem = $"Nodes.items[{i}].metadata.name is required";
                    return false;
                }
                names.Add(name);
            }
        }
        return true;
    }

    private ExtenderFilterResult Shape(ExtenderArgs args, List<string> names, FilterDecision decision)
    {
        var failed = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var unresolvable = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var passed = new HashSet<string>(StringComparer.Ordinal);
        if (decision.PassThrough)
        {
            passed.UnionWith(names);
            metrics.Decisions("no_claims", names.Count);
        }
        else
        {
            var counts = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var verdict in decision.Verdicts)
            {
                switch (verdict.Status.Code)
                {
                    case StatusCode.Success:
                        passed.Add(verdict.Name);
                        counts["feasible"] = counts.GetValueOrDefault("feasible") + 1;
                        continue;
                    case StatusCode.UnschedulableAndUnresolvable:
                        unresolvable[verdict.Name] = verdict.Status.Message;
                        break;
                    default:
                        failed[verdict.Name] = verdict.Status.Message;
                        break;
                }
                foreach (var reason in verdict.Status.Reasons)
                {
                    var code = ExtenderCycle.ReasonCode(reason);
                    counts[code] = counts.GetValueOrDefault(code) + 1;
                }
            }
            foreach (var (code, count) in counts) metrics.Decisions(code, count);
        }
        var result = new ExtenderFilterResult { FailedNodes = failed, FailedAndUnresolvableNodes = unresolvable };
        if (args.NodeNames is not null) result.NodeNames = [.. names.Where(passed.Contains)];
        if (args.Nodes is not null)
        {
            result.Nodes = new ExtenderNodeList { Items = [.. (args.Nodes.Items ?? []).Where(n => passed.Contains(n.Name!))] };
        }
        return result;
    }

    private static void Tag(Activity? activity, PodInfo pod, int nodes)
    {
        if (activity is null) return;
        activity.SetTag("k8s.namespace.name", pod.Key.Namespace);
        activity.SetTag("k8s.pod.name", pod.Key.Name);
        activity.SetTag("vas.nodes", nodes);
    }
}
