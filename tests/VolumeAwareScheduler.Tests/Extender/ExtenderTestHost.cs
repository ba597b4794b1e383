using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VolumeAwareScheduler.Configuration;
using VolumeAwareScheduler.Hosting;

namespace VolumeAwareScheduler.Tests.Extender;

/// <summary>The serve host on an in-memory TestServer: the same composition as `serve`, only the socket is swapped.</summary>
internal sealed class ExtenderTestHost : IAsyncDisposable
{
    private ExtenderTestHost(WebApplication app)
    {
        App = app;
        Client = app.GetTestClient();
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public ClusterSource Source => App.Services.GetRequiredService<ClusterSource>();

    public static Task<ExtenderTestHost> StartAsync(string? clusterFile, long? maxRequestBytes = null) =>
        StartAsync(new ServeOptions { ClusterFile = clusterFile, MaxRequestBytes = maxRequestBytes ?? ServeOptions.DefaultMaxRequestBytes });

    /// <param name="logs">When given, receives every log entry at every level (otherwise nothing is logged).</param>
    public static async Task<ExtenderTestHost> StartAsync(ServeOptions options, ILoggerProvider? logs = null)
    {
        var app = ExtenderHost.Build(options, configure: builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Logging.ClearProviders();
            if (logs is not null)
            {
                builder.Logging.AddProvider(logs);
                builder.Logging.SetMinimumLevel(LogLevel.Trace);
            }
        });
        await app.StartAsync();
        return new ExtenderTestHost(app);
    }

    public static string TestData(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "Extender", "testdata", .. parts]);

    public static string ClassicCluster => Path.Combine(AppContext.BaseDirectory, "Simulation", "testdata", "classic-two-local-pvs", "cluster.yaml");

    public async Task<(int Status, string Body)> PostAsync(string path, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await Client.PostAsync(path, content);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<(int Status, string Body)> GetAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>Whitespace outside JSON strings removed: compares compact wire bytes with readable golden files.</summary>
internal static class JsonText
{
    public static string Compact(string json)
    {
        var output = new StringBuilder(json.Length);
        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            if (inString)
            {
                output.Append(c);
                if (c == '\\') output.Append(json[++i]);
                else if (c == '"') inString = false;
            }
            else if (c == '"')
            {
                inString = true;
                output.Append(c);
            }
            else if (!char.IsWhiteSpace(c))
            {
                output.Append(c);
            }
        }
        return output.ToString();
    }
}
