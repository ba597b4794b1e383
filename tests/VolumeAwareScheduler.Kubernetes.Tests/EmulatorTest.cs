using k8s;
using VolumeAwareScheduler.ApiEmulator;

namespace VolumeAwareScheduler.Kubernetes.Tests;

/// <summary>A test class with an emulator of its own (controllers off: the test makes every change) and a real client of it.</summary>
public abstract class EmulatorTest : IAsyncLifetime
{
    protected ApiEmulator.ApiEmulator Emulator { get; private set; } = null!;

    protected k8s.Kubernetes Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Emulator = await ApiEmulator.ApiEmulator.StartAsync(new ApiEmulatorOptions { EnableControllers = false });
        Client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = Emulator.BaseAddress.ToString() });
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Emulator.DisposeAsync();
    }
}
