using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using VolumeAwareScheduler.Testing.Kubernetes;
using k8s;
using VolumeAwareScheduler.ApiEmulator;
using VolumeAwareScheduler.Configuration;
using VolumeAwareScheduler.Hosting;
using VolumeAwareScheduler.Tests.Extender;

namespace VolumeAwareScheduler.Tests.Hostile;

/// <summary>
/// serve in live mode with a kubeconfig that carries a bearer token and a client key: nothing it logs, at any level
/// and in any exception, contains either, through start, sync, filter, bind and a refused bind.
/// </summary>
public sealed class SecretsInLogsTests : IDisposable
{
    private const string Token = "vas-test-bearer-7f3c9d2e41b8a6055e1d";
    private readonly string _dir = Directory.CreateTempSubdirectory("vas-secrets-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task No_bearer_token_or_client_key_appears_in_the_logs()
    {
        await using var emulator = await ApiEmulator.ApiEmulator.StartAsync(new ApiEmulatorOptions());
        using var admin = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = emulator.BaseAddress.ToString() });
        await admin.CoreV1.CreateNodeAsync(Objects.Node("node-1"));
        await admin.StorageV1.CreateStorageClassAsync(Objects.LocalClass());
        await admin.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-1", "node-1"));
        await admin.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("data"), "default");
        var pod = await admin.CoreV1.CreateNamespacedPodAsync(Objects.Pod("app", "data"), "default");

        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=vas-test-client", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1));
        var keyPem = key.ExportPkcs8PrivateKeyPem();
        var keyData = Convert.ToBase64String(Encoding.UTF8.GetBytes(keyPem));
        var certData = Convert.ToBase64String(Encoding.UTF8.GetBytes(certificate.ExportCertificatePem()));
        var kubeconfig = Path.Combine(_dir, "kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: emulator
              cluster: {"{"}server: "{emulator.BaseAddress}"{"}"}
            users:
            - name: scheduler
              user: {"{"}token: {Token}, client-certificate-data: {certData}, client-key-data: {keyData}{"}"}
            contexts:
            - name: emulator
              context: {"{"}cluster: emulator, user: scheduler{"}"}
            current-context: emulator
            """);

        var logs = new RecordingLoggerProvider();
        await using (var host = await ExtenderTestHost.StartAsync(new ServeOptions { Kubeconfig = kubeconfig }, logs))
        {
            await host.Source.Ready.WaitAsync(TimeSpan.FromSeconds(30));
            var podJson = KubernetesJson.Serialize(pod);
            Assert.Equal(200, (await host.PostAsync("/scheduler/filter", $$"""{"Pod":{{podJson}},"Nodes":null,"NodeNames":["node-1"]}""")).Status);
            Assert.Equal(200, (await host.PostAsync("/scheduler/bind", $$"""{"PodName":"app","PodNamespace":"default","PodUID":"{{pod.Metadata.Uid}}","Node":"node-1"}""")).Status);
            Assert.Equal(200, (await host.PostAsync("/scheduler/bind", """{"PodName":"ghost","PodNamespace":"default","PodUID":"nope","Node":"node-1"}""")).Status);
            Assert.Equal(400, (await host.PostAsync("/scheduler/bind", Token)).Status);
        }

        var text = logs.Text;
        Assert.NotEmpty(logs.Entries);
        string[] secrets = [Token, keyData, keyPem.Split('\n')[1], Convert.ToBase64String(key.ExportPkcs8PrivateKey())[..40]];
        foreach (var secret in secrets) Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
    }
}
