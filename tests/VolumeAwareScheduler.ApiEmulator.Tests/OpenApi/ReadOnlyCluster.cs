namespace VolumeAwareScheduler.ApiEmulator.Tests.OpenApi;

/// <summary>One emulator shared by the tests of a class that only read from it (the OpenAPI documents).</summary>
public sealed class ReadOnlyCluster : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await TestCluster.StartAsync(o => o.EnableControllers = false);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
