using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using VolumeAwareScheduler.ApiEmulator.Resources;
using VolumeAwareScheduler.ApiEmulator.Storage;

namespace VolumeAwareScheduler.ApiEmulator.Http;

/// <summary>
/// Server-side printing (<c>Accept: application/json;as=Table;v=v1;g=meta.k8s.io</c>) in the shape of
/// k8s.io/apimachinery/pkg/apis/meta/v1 Table, with a few columns per kind modelled on
/// pkg/printers/internalversion/printers.go (field copies here, computed ones in <see cref="PrintedColumns"/>).
/// Rows carry PartialObjectMetadata, as kubectl asks.
/// </summary>
internal static class TableWriter
{
    private static readonly Dictionary<string, (string Name, string Path)[]> Columns = new(StringComparer.Ordinal)
    {
        ["persistentvolumes"] = [("Capacity", "spec.capacity.storage"), ("Reclaim Policy", "spec.persistentVolumeReclaimPolicy"), ("Status", "status.phase"), ("Claim", "spec.claimRef.name"), ("StorageClass", "spec.storageClassName")],
        ["persistentvolumeclaims"] = [("Status", "status.phase"), ("Volume", "spec.volumeName"), ("Capacity", "status.capacity.storage"), ("StorageClass", "spec.storageClassName")],
        ["storageclasses"] = [("Provisioner", "provisioner"), ("ReclaimPolicy", "reclaimPolicy"), ("VolumeBindingMode", "volumeBindingMode")],
        ["csistoragecapacities"] = [("StorageClassName", "storageClassName"), ("Capacity", "capacity")],
        ["statefulsets"] = [("Replicas", "status.replicas")],
        ["leases"] = [("Holder", "spec.holderIdentity")],
        ["namespaces"] = [("Status", "status.phase")],
        ["events"] = [("Type", "type"), ("Reason", "reason"), ("Message", "message")],
        ["services"] = [("Type", "spec.type"), ("Cluster-IP", "spec.clusterIP")],
        ["replicasets"] = [("Desired", "spec.replicas"), ("Current", "status.replicas"), ("Ready", "status.readyReplicas")],
        ["poddisruptionbudgets"] = [("Min Available", "spec.minAvailable"), ("Max Unavailable", "spec.maxUnavailable"), ("Allowed Disruptions", "status.disruptionsAllowed")],
        ["priorityclasses"] = [("Value", "value"), ("Global-Default", "globalDefault"), ("PreemptionPolicy", "preemptionPolicy")],
    };

    public static bool IsRequested(string? accept) =>
        accept is not null && accept.Contains("as=Table", StringComparison.Ordinal);

    public static byte[] Write(ResourceKind kind, ListPage page, DateTimeOffset now)
    {
        var columns = ColumnsOf(kind);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("kind", "Table");
            writer.WriteString("apiVersion", "meta.k8s.io/v1");
            ListWriter.WriteListMeta(writer, page);
            writer.WriteStartArray("columnDefinitions");
            foreach (var column in columns)
            {
                WriteColumn(writer, column);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("rows");
            foreach (var item in page.Items)
            {
                var obj = item.ToJsonObject();
                writer.WriteStartObject();
                writer.WriteStartArray("cells");
                foreach (var column in columns)
                {
                    writer.WriteStringValue(column.Cell(obj, now));
                }

                writer.WriteEndArray();
                writer.WritePropertyName("object");
                new JsonObject
                {
                    ["kind"] = "PartialObjectMetadata",
                    ["apiVersion"] = "meta.k8s.io/v1",
                    ["metadata"] = obj["metadata"]?.DeepClone(),
                }.WriteTo(writer);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The printed columns of a kind, else Name, its field columns, Age.</summary>
    private static IReadOnlyList<TableColumn> ColumnsOf(ResourceKind kind) =>
        PrintedColumns.For(kind.Plural)
        ?? [
            PrintedColumns.NameColumn(),
            .. Columns.GetValueOrDefault(kind.Plural, []).Select(c => new TableColumn(c.Name, 0, (obj, _) => Json.GetString(obj, c.Path) ?? "", c.Path)),
            PrintedColumns.AgeColumn(),
        ];

    /// <summary>Mirrors k8s.io/apimachinery/pkg/util/duration.HumanDuration.</summary>
    internal static string Age(string? creationTimestamp, DateTimeOffset now)
    {
        if (!DateTimeOffset.TryParse(creationTimestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created))
        {
            return "<unknown>";
        }

        var d = now - created;
        var seconds = (long)d.TotalSeconds;
        if (seconds < -1)
        {
            return "<invalid>";
        }

        if (seconds < 0)
        {
            return "0s";
        }

        if (seconds < 60 * 2)
        {
            return Invariant($"{seconds}s");
        }

        var minutes = seconds / 60;
        if (minutes < 10)
        {
            var s = seconds % 60;
            return s == 0 ? Invariant($"{minutes}m") : Invariant($"{minutes}m{s}s");
        }

        if (minutes < 60 * 3)
        {
            return Invariant($"{minutes}m");
        }

        var hours = minutes / 60;
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? Invariant($"{hours}h") : Invariant($"{hours}h{m}m");
        }

        if (hours < 48)
        {
            return Invariant($"{hours}h");
        }

        if (hours < 24 * 8)
        {
            var h = hours % 24;
            return h == 0 ? Invariant($"{hours / 24}d") : Invariant($"{hours / 24}d{h}h");
        }

        if (hours < 24 * 365 * 2)
        {
            return Invariant($"{hours / 24}d");
        }

        if (hours < 24 * 365 * 8)
        {
            var dy = (hours / 24) % 365;
            return dy == 0 ? Invariant($"{hours / 24 / 365}y") : Invariant($"{hours / 24 / 365}y{dy}d");
        }

        return Invariant($"{hours / 24 / 365}y");
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    private static void WriteColumn(Utf8JsonWriter writer, TableColumn column)
    {
        writer.WriteStartObject();
        writer.WriteString("name", column.Name);
        writer.WriteString("type", "string");
        writer.WriteString("format", column.Name == "Name" ? "name" : "");
        writer.WriteString("description", column.Description);
        writer.WriteNumber("priority", column.Priority);
        writer.WriteEndObject();
    }
}
