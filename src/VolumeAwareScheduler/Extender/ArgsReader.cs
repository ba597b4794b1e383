using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace VolumeAwareScheduler.Extender;

/// <summary>
/// A filter or prioritize body, read once into a pooled buffer and scanned with <see cref="Utf8JsonReader"/> for what the
/// decision needs: the Pod's JSON (left in place, converted by the caller) and the node names, as shared string instances
/// in a pooled array. Nothing proportional to the number of nodes is allocated per request once the names are known.
/// <para>
/// Only the form kube-scheduler sends with <c>nodeCacheCapable: true</c> takes this path: a Pod object, NodeNames an array
/// of non-empty strings, Nodes absent or null. Anything else (the Nodes form, a malformed or unusual body) is decoded by the
/// general path (<see cref="ExtenderArgs"/>, System.Text.Json) from the same buffer, so that its answers and its
/// errors stay exactly what they were.
/// </para>
/// </summary>
public sealed class ArgsReader : IDisposable
{
    private byte[]? _body;
    private string[]? _names;

    private ArgsReader(byte[] body, int length)
    {
        _body = body;
        Length = length;
    }

    /// <summary>The body as received.</summary>
    public ReadOnlyMemory<byte> Body => _body.AsMemory(0, Length);

    public int Length { get; }

    /// <summary>Set when the fast form was recognised: the Pod's JSON value within <see cref="Body"/>.</summary>
    public ReadOnlyMemory<byte> Pod { get; private set; }

    /// <summary>Set when the fast form was recognised: the node names in request order (duplicates kept).</summary>
    public ArraySegment<string> Names { get; private set; }

    /// <summary>True when <see cref="Pod"/> and <see cref="Names"/> hold the request; false: use <see cref="ExtenderArgs"/>.</summary>
    public bool IsFastForm { get; private set; }

    /// <summary>Reads the whole body (asynchronously), honouring the size limit; a problem for a body that cannot be read.</summary>
    public static async Task<(ArgsReader? Reader, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, long maxBytes, NodeNameTable table, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes) return (null, RequestReader.TooLarge(request.ContentLength.Value, maxBytes));
        var buffer = ArrayPool<byte>.Shared.Rent(request.ContentLength is { } announced and > 0 ? (int)Math.Min(announced, int.MaxValue - 64) : 16 * 1024);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length >= maxBytes) return (null, ReturnAnd(buffer, RequestReader.TooLarge(null, maxBytes)));
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, Math.Min(maxBytes + 1, int.MaxValue - 64)));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0) break;
                length += read;
                if (length > maxBytes) return (null, ReturnAnd(buffer, RequestReader.TooLarge(null, maxBytes)));
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, ReturnAnd(buffer, RequestReader.TooLarge(null, maxBytes)));
        }
        catch (BadHttpRequestException e)
        {
            return (null, ReturnAnd(buffer, TypedResults.Problem(e.Message, statusCode: e.StatusCode, title: "Bad request")));
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        var reader = new ArgsReader(buffer, length);
        reader.Scan(table);
        return (reader, null);
    }

    /// <summary>Reads a body already in memory (tests, tools).</summary>
    public static ArgsReader FromBytes(ReadOnlySpan<byte> body, NodeNameTable table)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, body.Length));
        body.CopyTo(buffer);
        var reader = new ArgsReader(buffer, body.Length);
        reader.Scan(table);
        return reader;
    }

    /// <summary>The general decoding of the same bytes: the path every body took before, with its errors.</summary>
    public (ExtenderArgs? Args, ProblemHttpResult? Problem) Deserialize()
    {
        try
        {
            var value = JsonSerializer.Deserialize(Body.Span, ExtenderJsonContext.Wire.ExtenderArgs);
            return value is null ? (null, RequestReader.BadRequest("the body is the JSON literal null; a JSON object is required")) : (value, null);
        }
        catch (JsonException e)
        {
            return (null, RequestReader.BadRequest($"malformed JSON: {e.Message}"));
        }
    }

    private void Scan(NodeNameTable table)
    {
        try
        {
            IsFastForm = TryScan(table);
        }
        catch (JsonException)
        {
            IsFastForm = false;
        }
        if (!IsFastForm) ReleaseNames();
    }

    private bool TryScan(NodeNameTable table)
    {
        var reader = new Utf8JsonReader(Body.Span, new JsonReaderOptions { MaxDepth = 256 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
        bool seenPod = false, seenNames = false, seenNodes = false;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject) break;
            if (reader.TokenType != JsonTokenType.PropertyName || reader.ValueIsEscaped) return false;
            var key = reader.ValueSpan;
            if (!reader.Read()) return false;
            if (IsKey(key, "Pod"u8))
            {
                if (seenPod || reader.TokenType != JsonTokenType.StartObject) return false;
                seenPod = true;
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                Pod = Body[start..(int)reader.BytesConsumed];
            }
            else if (IsKey(key, "NodeNames"u8))
            {
                if (seenNames || reader.TokenType != JsonTokenType.StartArray) return false;
                seenNames = true;
                if (!ReadNames(ref reader, table)) return false;
            }
            else if (IsKey(key, "Nodes"u8))
            {
                if (seenNodes || reader.TokenType != JsonTokenType.Null) return false;
                seenNodes = true;
            }
            else
            {
                reader.Skip();
            }
        }
        // Nothing but whitespace may follow (the general path rejects trailing content).
        if (reader.Read()) return false;
        return seenPod && seenNames;
    }

    private bool ReadNames(ref Utf8JsonReader reader, NodeNameTable table)
    {
        var names = _names = ArrayPool<string>.Shared.Rent(1024);
        var count = 0;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                Names = new ArraySegment<string>(names, 0, count);
                return true;
            }
            if (reader.TokenType != JsonTokenType.String || reader.ValueSpan.Length == 0) return false;
            if (count == names.Length)
            {
                var larger = ArrayPool<string>.Shared.Rent(names.Length * 2);
                names.AsSpan(0, count).CopyTo(larger);
                ArrayPool<string>.Shared.Return(names, clearArray: true);
                names = _names = larger;
            }
            if (!table.TryGet(ref reader, out var name)) return false;
            names[count++] = name;
        }
        return false;
    }

    /// <summary>Go's decoder matches keys case-insensitively (contract P1); so did the general path.</summary>
    private static bool IsKey(ReadOnlySpan<byte> key, ReadOnlySpan<byte> name) =>
        key.Length == name.Length && Ascii.EqualsIgnoreCase(key, name);

    private static ProblemHttpResult ReturnAnd(byte[] buffer, ProblemHttpResult problem)
    {
        ArrayPool<byte>.Shared.Return(buffer);
        return problem;
    }

    private void ReleaseNames()
    {
        if (_names is { } names) ArrayPool<string>.Shared.Return(names, clearArray: true);
        _names = null;
        Names = default;
    }

    public void Dispose()
    {
        ReleaseNames();
        if (_body is { } body) ArrayPool<byte>.Shared.Return(body);
        _body = null;
    }
}

/// <summary>
/// Node names as shared string instances: the same 5,000 names arrive in every request, so each is decoded to a string
/// once and then found again from its bytes. Bounded (names past <see cref="Capacity"/> are decoded every time).
/// </summary>
public sealed class NodeNameTable(int capacity = NodeNameTable.DefaultCapacity)
{
    public const int DefaultCapacity = 100_000;
    private const int StackLimit = 256;

    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);

    public int Capacity { get; } = capacity;

    public int Count => _names.Count;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The current string token as a string, shared when it was seen before. False for text that is not valid UTF-8
    /// (the general path then reports it).
    /// </summary>
    public bool TryGet(ref Utf8JsonReader reader, out string name)
    {
        name = "";
        var utf8 = reader.ValueSpan;
        if (reader.ValueIsEscaped || reader.HasValueSequence || utf8.Length > StackLimit)
        {
            try
            {
                name = reader.GetString()!;
                return true;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }
        Span<char> chars = stackalloc char[StackLimit];
        int written;
        try
        {
            written = StrictUtf8.GetChars(utf8, chars);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
        var text = chars[..written];
        if (_names.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(text, out var shared))
        {
            name = shared;
            return true;
        }
        name = new string(text);
        if (_names.Count < Capacity) name = _names.GetOrAdd(name, name);
        return true;
    }
}
