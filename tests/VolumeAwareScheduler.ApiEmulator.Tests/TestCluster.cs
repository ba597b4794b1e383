using System.Text.Json.Nodes;
using k8s;

namespace VolumeAwareScheduler.ApiEmulator.Tests;

/// <summary>A fresh emulator per test plus a real KubernetesClient pointed at it. Every wait has <see cref="Timeout"/>.</summary>
public sealed class TestCluster : IAsyncDisposable
{
    /// <summary>Upper bound for any wait on an event; a test that hits it fails instead of hanging.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private TestCluster(ApiEmulator emulator)
    {
        Emulator = emulator;
        Client = new Kubernetes(new KubernetesClientConfiguration { Host = emulator.BaseAddress.ToString() });
        Http = new HttpClient { BaseAddress = emulator.BaseAddress, Timeout = Timeout };
    }

    public ApiEmulator Emulator { get; }

    public Kubernetes Client { get; }

    public HttpClient Http { get; }

    public static async Task<TestCluster> StartAsync(Action<ApiEmulatorOptions>? configure = null)
    {
        var options = new ApiEmulatorOptions();
        configure?.Invoke(options);
        using var cts = new CancellationTokenSource(Timeout);
        return new TestCluster(await ApiEmulator.StartAsync(options, cts.Token));
    }

    /// <summary>A token that cancels after <see cref="Timeout"/>.</summary>
    public static CancellationToken Deadline() => new CancellationTokenSource(Timeout).Token;

    public Task<JsonObject> WaitForAsync(string resource, string? ns, string name, Func<JsonObject, bool> condition) =>
        Emulator.WaitForAsync(resource, ns, name, condition, Deadline());

    /// <summary>Returns once the named object does not exist (at once when it is already gone); fails after <see cref="Timeout"/>.</summary>
    public async Task WaitForGoneAsync(string resource, string? ns, string name)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        var changes = Emulator.WatchAsync(resource, ns, deadline.Token).GetAsyncEnumerator(deadline.Token);
        var next = changes.MoveNextAsync(); // subscribes before its first wait
        try
        {
            var gone = Emulator.Get(resource, ns, name) is null;
            while (!gone && await next)
            {
                gone = changes.Current.Type == "DELETED" && changes.Current.Name == name;
                if (!gone)
                {
                    next = changes.MoveNextAsync();
                }
            }

            Assert.True(gone, $"{resource} {ns}/{name} still exists after {Timeout.TotalSeconds:0}s.");
        }
        finally
        {
            // The feed ends when cancelled; an enumerator is disposed only after its last MoveNextAsync completed.
            await deadline.CancelAsync();
            await next;
            await changes.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Http.Dispose();
        await Emulator.DisposeAsync();
    }
}
