using System.Globalization;
using System.Text.Json;
using VolumeAwareScheduler.ApiEmulator.Resources;
using VolumeAwareScheduler.ApiEmulator.Storage;

namespace VolumeAwareScheduler.ApiEmulator.Http;

/// <summary>Writes a <c>{Kind}List</c> around stored items without re-encoding them.</summary>
internal static class ListWriter
{
    public static byte[] Write(ResourceKind kind, ListPage page)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("kind", kind.ListKind);
            writer.WriteString("apiVersion", kind.GroupVersion);
            WriteListMeta(writer, page);
            writer.WriteStartArray("items");
            foreach (var item in page.Items)
            {
                writer.WriteRawValue(item.Json, skipInputValidation: true);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public static void WriteListMeta(Utf8JsonWriter writer, ListPage page)
    {
        writer.WriteStartObject("metadata");
        writer.WriteString("resourceVersion", page.ResourceVersion.ToString(CultureInfo.InvariantCulture));
        if (page.Continue is { } next)
        {
            writer.WriteString("continue", next.Encode());
            if (page.RemainingItemCount is { } remaining)
            {
                writer.WriteNumber("remainingItemCount", remaining);
            }
        }

        writer.WriteEndObject();
    }
}
