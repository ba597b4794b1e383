using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Telemetry;

namespace VolumeAwareScheduler.Extender;

/// <summary>
/// The filter reply for the NodeNames form (contract R1), written straight from the decision into a pooled buffer:
/// the same bytes <see cref="ExtenderFilterResult"/> would give through <see cref="GoJson.Serialize{T}"/> (keys in struct
/// order, failed maps sorted by ordinal key as a SortedDictionary held them, duplicates once), without building the
/// lists, maps and sets in between.
/// </summary>
public static class FilterReply
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    /// <summary>Bounded metric values, in the order of <see cref="CodeIndex"/>.</summary>
    private static readonly string[] Codes = ["feasible", "bind_conflict", "node_conflict", "not_enough_space", "pv_not_exist", "unbound_immediate", "unknown_node", "claim_unusable"];

    public static PooledJson Write(ArraySegment<string> names, FilterDecision decision, ExtenderMetrics metrics)
    {
        var buffer = new PooledJson(names.Count * 24 + 256);
        var count = names.Count;
        var failed = ArrayPool<string>.Shared.Rent(Math.Max(1, count));
        var failedAt = ArrayPool<int>.Shared.Rent(Math.Max(1, count));
        var unresolvable = ArrayPool<string>.Shared.Rent(Math.Max(1, count));
        var unresolvableAt = ArrayPool<int>.Shared.Rent(Math.Max(1, count));
        Span<long> counts = stackalloc long[Codes.Length];
        try
        {
            using var json = new Utf8JsonWriter(buffer, WriterOptions);
            json.WriteStartObject();
            json.WriteNull("Nodes");
            json.WriteStartArray("NodeNames");
            int failedCount = 0, unresolvableCount = 0;
            if (decision.PassThrough)
            {
                foreach (var name in names) json.WriteStringValue(name);
            }
            else
            {
                var verdicts = decision.Verdicts;
                for (var i = 0; i < verdicts.Length; i++)
                {
                    var status = verdicts[i].Status;
                    switch (status.Code)
                    {
                        case StatusCode.Success:
                            json.WriteStringValue(verdicts[i].Name);
                            counts[0]++;
                            continue;
                        case StatusCode.UnschedulableAndUnresolvable:
                            unresolvable[unresolvableCount] = verdicts[i].Name;
                            unresolvableAt[unresolvableCount++] = i;
                            break;
                        default:
                            failed[failedCount] = verdicts[i].Name;
                            failedAt[failedCount++] = i;
                            break;
                    }
                    foreach (var reason in status.Reasons) counts[CodeIndex(reason)]++;
                }
            }
            json.WriteEndArray();
            WriteMap(json, "FailedNodes", failed.AsSpan(0, failedCount), failedAt.AsSpan(0, failedCount), decision);
            WriteMap(json, "FailedAndUnresolvableNodes", unresolvable.AsSpan(0, unresolvableCount), unresolvableAt.AsSpan(0, unresolvableCount), decision);
            json.WriteString("Error", "");
            json.WriteEndObject();
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
        finally
        {
            ArrayPool<string>.Shared.Return(failed, clearArray: true);
            ArrayPool<string>.Shared.Return(unresolvable, clearArray: true);
            ArrayPool<int>.Shared.Return(failedAt);
            ArrayPool<int>.Shared.Return(unresolvableAt);
        }
        if (decision.PassThrough) metrics.Decisions("no_claims", count);
        else
        {
            for (var c = 0; c < Codes.Length; c++) metrics.Decisions(Codes[c], counts[c]);
        }
        return buffer;
    }

    /// <summary>Go writes a map's keys sorted; a key given twice appears once (its verdict is the same both times).</summary>
    private static void WriteMap(Utf8JsonWriter json, string property, Span<string> keys, Span<int> at, FilterDecision decision)
    {
        json.WriteStartObject(property);
        keys.Sort(at, StringComparer.Ordinal);
        var verdicts = decision.Verdicts;
        Status? last = null;
        var message = "";
        for (var k = 0; k < keys.Length; k++)
        {
            if (k + 1 < keys.Length && string.Equals(keys[k], keys[k + 1], StringComparison.Ordinal)) continue;
            var status = verdicts[at[k]].Status;
            if (!ReferenceEquals(status, last))
            {
                // Nodes rejected the same way share one Status: its message is joined once.
                last = status;
                message = status.Message;
            }
            json.WriteString(keys[k], message);
        }
        json.WriteEndObject();
    }

    private static int CodeIndex(string reason) => ExtenderCycle.ReasonCode(reason) switch
    {
        "bind_conflict" => 1,
        "node_conflict" => 2,
        "not_enough_space" => 3,
        "pv_not_exist" => 4,
        "unbound_immediate" => 5,
        "unknown_node" => 6,
        _ => 7,
    };

    /// <summary>Any value through its source-generated contract, as <see cref="GoJson.Serialize{T}"/> writes it, into a pooled buffer.</summary>
    public static PooledJson Serialize<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        var buffer = new PooledJson(4096);
        try
        {
            using var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = typeInfo.Options.Encoder, SkipValidation = true });
            JsonSerializer.Serialize(json, value, typeInfo);
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
        return buffer;
    }
}

/// <summary>
/// A 200 JSON reply in a pooled buffer, written as Go's encoding/json writes it: the HTML-safe escapes are applied on
/// the way out only when the text holds a character that needs one (<see cref="GoJson.HtmlEscape"/>). The buffer goes
/// back to the pool once written.
/// </summary>
public sealed class PooledJson(int initialCapacity) : IBufferWriter<byte>, IResult, IDisposable
{
    /// <summary>&lt; &gt; &amp;, and the lead byte of U+2028 / U+2029 (and of other characters, which HtmlEscape leaves alone).</summary>
    private static readonly SearchValues<byte> MayNeedEscape = SearchValues.Create([(byte)'<', (byte)'>', (byte)'&', 0xE2]);

    private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(256, initialCapacity));
    private int _written;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    private void Ensure(int sizeHint)
    {
        var buffer = _buffer ?? throw new ObjectDisposedException(nameof(PooledJson));
        var needed = _written + Math.Max(1, sizeHint);
        if (needed <= buffer.Length) return;
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, buffer.Length * 2));
        buffer.AsSpan(0, _written).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        _buffer = larger;
    }

    /// <summary>The bytes as Go would write them (a copy only when an HTML-safe escape is due).</summary>
    public ReadOnlyMemory<byte> GoBytes()
    {
        var written = _buffer.AsMemory(0, _written);
        return written.Span.IndexOfAny(MayNeedEscape) < 0 ? written : GoJson.HtmlEscape(written.Span);
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        try
        {
            var bytes = GoBytes();
            httpContext.Response.StatusCode = StatusCodes.Status200OK;
            httpContext.Response.ContentType = "application/json";
            httpContext.Response.ContentLength = bytes.Length;
            await httpContext.Response.Body.WriteAsync(bytes, httpContext.RequestAborted).ConfigureAwait(false);
        }
        finally
        {
            Dispose();
        }
    }

    public void Dispose()
    {
        if (_buffer is { } buffer) ArrayPool<byte>.Shared.Return(buffer);
        _buffer = null;
    }
}
