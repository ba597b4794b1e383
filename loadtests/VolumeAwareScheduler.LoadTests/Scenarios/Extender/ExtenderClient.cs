using System.Buffers;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VolumeAwareScheduler.Configuration;
using VolumeAwareScheduler.Extender;

namespace VolumeAwareScheduler.LoadTests.Scenarios.Extender;

/// <summary>
/// kube-scheduler's side of the wire, as the load sees it: one HttpClient over SocketsHttpHandler with a bounded pool of
/// keep-alive connections (kube-scheduler's HTTPExtender also reuses one client). Replies are read into pooled buffers so
/// that the client's own garbage does not hide the server's.
/// </summary>
public sealed class ExtenderClient : IDisposable
{
    private readonly HttpClient _http;

    public ExtenderClient(Uri baseAddress, int connections)
    {
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(100),
        };
    }

    public async Task<Reply> PostAsync(string path, HttpContent content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content, Version = HttpVersion.Version11 };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var expected = response.Content.Headers.ContentLength is { } length and > 0 and < int.MaxValue ? (int)length : 16 * 1024;
        var buffer = ArrayPool<byte>.Shared.Rent(expected);
        var read = 0;
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            if (read == buffer.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                buffer.AsSpan(0, read).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = larger;
            }
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
            if (n == 0) break;
            read += n;
        }
        return new Reply((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, buffer, read);
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>A reply's status and body (a pooled buffer, returned on dispose).</summary>
public sealed class Reply(int status, string? mediaType, byte[] buffer, int length) : IDisposable
{
    private byte[]? _buffer = buffer;

    public int Status { get; } = status;

    public string? MediaType { get; } = mediaType;

    public ReadOnlySpan<byte> Body => _buffer.AsSpan(0, length);

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, length);

    public void Dispose()
    {
        if (_buffer is { } b) ArrayPool<byte>.Shared.Return(b);
        _buffer = null;
    }
}

/// <summary>
/// The protocol floor: the same filter payload parsed with the extender's own wire types (ExtenderArgs through
/// <see cref="ExtenderJsonContext.Wire"/>) and answered with every node name (an ExtenderFilterResult written by
/// <see cref="GoJsonResult{T}"/>), on Kestrel over loopback like serve, and nothing else: no decision, no state, no
/// telemetry. Mapped only here, never by serve.
/// </summary>
public static class FloorApp
{
    public static async Task<(WebApplication App, Uri Address)> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = ServeOptions.DefaultMaxRequestBytes;
        });
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/scheduler/filter", Echo);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return (app, AddressOf(app));
    }

    private static async Task<IResult> Echo(HttpRequest request, CancellationToken cancellationToken)
    {
        var args = await JsonSerializer.DeserializeAsync(request.Body, ExtenderJsonContext.Wire.ExtenderArgs, cancellationToken).ConfigureAwait(false);
        var result = new ExtenderFilterResult
        {
            NodeNames = args?.NodeNames ?? [],
            FailedNodes = new SortedDictionary<string, string>(StringComparer.Ordinal),
            FailedAndUnresolvableNodes = new SortedDictionary<string, string>(StringComparer.Ordinal),
        };
        return new GoJsonResult<ExtenderFilterResult>(result, ExtenderJsonContext.Wire.ExtenderFilterResult);
    }

    /// <summary>The address Kestrel bound (port 0 picks a free one).</summary>
    public static Uri AddressOf(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal)).Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }
}
