using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.LoadTests.Scenarios.Extender;

/// <summary>
/// The request bodies kube-scheduler would send with <c>nodeCacheCapable: true</c> (contract §7, G1 and G3): single-line
/// JSON as Go's json.Marshal writes it. A filter/prioritize body is the pod's part (<c>{"Pod":{…},"Nodes":null,"NodeNames":</c>)
/// followed by the node-name array shared by every request, so that 5,000 names are encoded once, not per pod.
/// </summary>
public static class WireBodies
{
    /// <summary>The v1.Pod of a generated pending pod, API-server defaulted like G1's (field order of the Go structs).</summary>
    public static byte[] PodHead(PodInfo pod)
    {
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WritePropertyName("Pod");
            json.WriteStartObject();
            json.WriteStartObject("metadata");
            json.WriteString("name", pod.Key.Name);
            json.WriteString("namespace", pod.Key.Namespace);
            json.WriteString("uid", pod.Uid);
            json.WriteString("resourceVersion", "4711");
            json.WriteString("creationTimestamp", "2026-11-23T12:00:00Z");
            json.WriteStartObject("labels");
            json.WriteString("app", pod.Key.Name[..Math.Max(0, pod.Key.Name.LastIndexOf('-'))]);
            json.WriteEndObject();
            json.WriteEndObject();

            json.WriteStartObject("spec");
            json.WriteStartArray("volumes");
            foreach (var claim in pod.Claims)
            {
                json.WriteStartObject();
                json.WriteString("name", claim.VolumeName);
                json.WriteStartObject("persistentVolumeClaim");
                json.WriteString("claimName", claim.ClaimName);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("containers");
            json.WriteStartObject();
            json.WriteString("name", "db");
            json.WriteString("image", "postgres:17");
            json.WriteStartObject("resources");
            json.WriteStartObject("requests");
            json.WriteString("cpu", $"{pod.Requests.MilliCpu.ToString(CultureInfo.InvariantCulture)}m");
            json.WriteString("memory", pod.Requests.MemoryBytes.ToString(CultureInfo.InvariantCulture));
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteStartArray("volumeMounts");
            foreach (var claim in pod.Claims)
            {
                json.WriteStartObject();
                json.WriteString("name", claim.VolumeName);
                json.WriteString("mountPath", "/var/lib/" + claim.VolumeName);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteString("terminationMessagePath", "/dev/termination-log");
            json.WriteString("terminationMessagePolicy", "File");
            json.WriteString("imagePullPolicy", "IfNotPresent");
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteString("restartPolicy", "Always");
            json.WriteNumber("terminationGracePeriodSeconds", 30);
            json.WriteString("dnsPolicy", "ClusterFirst");
            json.WriteString("serviceAccountName", "default");
            json.WriteString("serviceAccount", "default");
            json.WriteBoolean("automountServiceAccountToken", false);
            json.WriteStartObject("securityContext");
            json.WriteEndObject();
            json.WriteString("schedulerName", pod.SchedulerName);
            json.WriteStartArray("tolerations");
            foreach (var key in new[] { "node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable" })
            {
                json.WriteStartObject();
                json.WriteString("key", key);
                json.WriteString("operator", "Exists");
                json.WriteString("effect", "NoExecute");
                json.WriteNumber("tolerationSeconds", 300);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteNumber("priority", 0);
            json.WriteBoolean("enableServiceLinks", true);
            json.WriteString("preemptionPolicy", "PreemptLowerPriority");
            json.WriteEndObject();

            json.WriteStartObject("status");
            json.WriteString("phase", "Pending");
            json.WriteString("qosClass", "Burstable");
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteNull("Nodes");
            json.WritePropertyName("NodeNames");
            json.Flush();
        }
        // The writer would want a value after "NodeNames": the shared array completes the object.
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary><c>["n1","n2",…]}</c>: the node names and the end of the envelope.</summary>
    public static byte[] NamesTail(IReadOnlyList<string> names)
    {
        var text = new StringBuilder(names.Count * 16);
        text.Append('[');
        for (var i = 0; i < names.Count; i++)
        {
            if (i > 0) text.Append(',');
            text.Append('"').Append(names[i]).Append('"');
        }
        text.Append("]}");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>G3: <c>{"PodName":…,"PodNamespace":…,"PodUID":…,"Node":…}</c>.</summary>
    public static byte[] Bind(PodInfo pod, string node)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("PodName", pod.Key.Name);
            json.WriteString("PodNamespace", pod.Key.Namespace);
            json.WriteString("PodUID", pod.Uid);
            json.WriteString("Node", node);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>A JSON body written from segments (a pod's part, then the shared node names) without joining them.</summary>
public sealed class SegmentsContent : HttpContent
{
    private readonly byte[] _head;
    private readonly byte[]? _tail;

    public SegmentsContent(byte[] head, byte[]? tail = null)
    {
        _head = head;
        _tail = tail;
        Headers.ContentType = new MediaTypeHeaderValue("application/json");
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(_head, cancellationToken).ConfigureAwait(false);
        if (_tail is not null) await stream.WriteAsync(_tail, cancellationToken).ConfigureAwait(false);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = _head.Length + (_tail?.Length ?? 0);
        return true;
    }
}
