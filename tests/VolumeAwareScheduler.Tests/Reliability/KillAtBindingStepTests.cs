using k8s;
using k8s.Models;
using VolumeAwareScheduler.ApiEmulator;
using VolumeAwareScheduler.Configuration;
using VolumeAwareScheduler.Core.Invariants;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Kubernetes.Cache;
using VolumeAwareScheduler.Kubernetes.Queue;
using VolumeAwareScheduler.Testing.Kubernetes;

namespace VolumeAwareScheduler.Tests.Reliability;

/// <summary>
/// The `run` process killed at each step of a binding, then started again: every pod ends placed, no PV is given
/// twice, and every invariant of `check` holds. The kill point is deterministic: an emulator interrupt on the write of
/// that step cuts the process's network the instant the write lands (or, for "before", just before it would), so the
/// process never sees the answer and drains nothing. Each case kills <see cref="Kills"/> processes in a row, each one
/// given a fresh wave of pods (one on a local PV, one on a provisioned volume) so that it reaches the step, and leaves
/// the last wave and everything half-done to a final process.
/// </summary>
public sealed class KillAtBindingStepTests
{
    private const int Kills = 3;
    private const int Nodes = 3;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>The step: the write that triggers the kill, and whether the kill comes after it lands or instead of it.</summary>
    private static readonly Dictionary<string, (string Verb, string Resource, bool After)> StepWrites = new(StringComparer.Ordinal)
    {
        ["after the PV claimRef write"] = ("update", "persistentvolumes", true),
        ["after the claim's selected-node annotation"] = ("update", "persistentvolumeclaims", true),
        ["before the pod Binding"] = ("create", "pods/binding", false),
        ["after the pod Binding"] = ("create", "pods/binding", true),
    };

    public static TheoryData<string> Steps => [.. StepWrites.Keys];

    [Theory]
    [MemberData(nameof(Steps))]
    public async Task A_process_killed_at_the_step_leaves_nothing_a_new_one_cannot_finish(string step)
    {
        var (verb, resource, after) = StepWrites[step];
        // A provisioner that takes a moment, as real ones do: a process started after a kill meets claims with a selected
        // node and no PV yet, not only finished provisioning.
        await using var emulator = await ApiEmulator.ApiEmulator.StartAsync(new ApiEmulatorOptions { ProvisioningDelay = TimeSpan.FromSeconds(2) });
        using var admin = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = emulator.BaseAddress.ToString() });
        await SeedAsync(admin);
        var settings = RunSettings.From(null, leaderElect: false) with { Queue = new QueueOptions { InitialBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromSeconds(1) } };

        var pods = new List<string>();
        var processes = new List<SchedulerProcess>();
        try
        {
            for (var round = 0; round < Kills; round++)
            {
                var process = await SchedulerProcess.StartAsync(emulator.BaseAddress, settings, $"scheduler-{round}");
                processes.Add(process);
                var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                void Kill()
                {
                    process.Kill();
                    killed.TrySetResult();
                }
                if (after) emulator.Faults.InterruptAfter(verb, resource, Kill);
                else emulator.Faults.InterruptBefore(verb, resource, Kill);
                pods.AddRange(await CreateWaveAsync(admin, round));

                await killed.Task.WaitAsync(Patience); // fails the case if the process never reached the step
                await process.KillAsync();
            }

            var survivor = await SchedulerProcess.StartAsync(emulator.BaseAddress, settings, "survivor");
            processes.Add(survivor);
            pods.AddRange(await CreateWaveAsync(admin, Kills));
            using var timeout = new CancellationTokenSource(Patience);
            foreach (var pod in pods) await emulator.WaitForAsync("pods", "default", pod, p => p["spec"]?["nodeName"] is not null, timeout.Token);
            foreach (var pod in pods) await emulator.WaitForAsync("persistentvolumeclaims", "default", "data-" + pod, c => c["status"]?["phase"]?.GetValue<string>() == "Bound", timeout.Token);
        }
        finally
        {
            foreach (var process in processes) await process.DisposeAsync();
        }

        Assert.Equal(Kills, processes.Count(p => p.IsKilled));
        var state = await StateLoader.ListAsync(admin, [], CancellationToken.None);
        Assert.Empty(InvariantChecker.Check(state).Select(v => v.Message));
        Assert.All(pods, n => Assert.True(state.GetPod(new ObjectKey("default", n))?.NodeName.Length > 0, $"{n} has no node"));
        var volumes = pods.Select(n => state.GetClaim(new ObjectKey("default", "data-" + n))!.VolumeName).ToList();
        Assert.Equal(volumes.Count, volumes.Distinct(StringComparer.Ordinal).Count()); // no PV given twice
    }

    private static async Task SeedAsync(k8s.Kubernetes admin)
    {
        await admin.StorageV1.CreateStorageClassAsync(Objects.LocalClass());
        await admin.StorageV1.CreateStorageClassAsync(new V1StorageClass { Metadata = new V1ObjectMeta { Name = "dynamic" }, Provisioner = "csi.example.com", VolumeBindingMode = "WaitForFirstConsumer" });
        for (var n = 0; n < Nodes; n++)
        {
            await admin.CoreV1.CreateNodeAsync(Objects.Node($"node-{n}", $"zone-{n}"));
            for (var v = 0; v < 2; v++) await admin.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume($"pv-{n}-{v}", $"node-{n}"));
        }
    }

    /// <summary>One pod on a local PV and one on a provisioned volume, each with its own claim.</summary>
    private static async Task<string[]> CreateWaveAsync(k8s.Kubernetes admin, int round)
    {
        string[] names = [$"local-{round}", $"provisioned-{round}"];
        await admin.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("data-" + names[0]), "default");
        await admin.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("data-" + names[1], storageClass: "dynamic"), "default");
        foreach (var name in names) await admin.CoreV1.CreateNamespacedPodAsync(Objects.Pod(name, "data-" + name), "default");
        return names;
    }
}
