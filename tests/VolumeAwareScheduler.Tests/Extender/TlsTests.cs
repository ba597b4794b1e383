using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using VolumeAwareScheduler.Configuration;
using VolumeAwareScheduler.Hosting;

namespace VolumeAwareScheduler.Tests.Extender;

/// <summary>serve over TLS on a real Kestrel socket, with client certificates required and checked against --client-ca.</summary>
public sealed class TlsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vas-tls-").FullName;
    private readonly X509Certificate2 _ca;
    private readonly X509Certificate2 _otherCa;

    public TlsTests()
    {
        _ca = CreateCa("CN=vas-test-ca");
        _otherCa = CreateCa("CN=someone-else");
        using var server = Issue(_ca, "CN=127.0.0.1", serverAuth: true);
        File.WriteAllText(Path.Combine(_dir, "server.crt"), server.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_dir, "server.key"), server.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(_dir, "ca.crt"), _ca.ExportCertificatePem());
    }

    [Fact]
    public async Task A_client_certificate_from_the_CA_is_accepted()
    {
        await using var app = await StartAsync();
        using var client = Client(app, Issue(_ca, "CN=kube-scheduler", serverAuth: false));

        var response = await client.GetAsync("/healthz");

        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task A_client_certificate_from_the_CA_may_call_the_verbs()
    {
        await using var app = await StartAsync();
        using var client = Client(app, Issue(_ca, "CN=kube-scheduler", serverAuth: false));

        using var content = new StringContent(ExtenderBehaviourTests.NamesArgs(ExtenderBehaviourTests.ClassicPod, "node-1", "node-2"), System.Text.Encoding.UTF8, "application/json");
        var response = await client.PostAsync("/scheduler/filter", content);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.EndsWith("\"Error\":\"\"}", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_client_certificate_from_the_CA_is_refused()
    {
        await using var app = await StartAsync();
        using var client = Client(app, Issue(_ca, "CN=kube-scheduler", serverAuth: false, notAfter: DateTimeOffset.UtcNow.AddMinutes(-5)));

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.PostAsync("/scheduler/bind", new StringContent("{}")));
    }

    [Fact]
    public async Task A_server_certificate_from_the_CA_is_refused_as_a_client_certificate()
    {
        await using var app = await StartAsync();
        using var client = Client(app, Issue(_ca, "CN=not-a-client", serverAuth: true));

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetAsync("/healthz"));
    }

    [Fact]
    public async Task No_client_certificate_is_refused()
    {
        await using var app = await StartAsync();
        using var client = Client(app, clientCertificate: null);

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetAsync("/healthz"));
    }

    [Fact]
    public async Task A_client_certificate_from_another_CA_is_refused()
    {
        await using var app = await StartAsync();
        using var client = Client(app, Issue(_otherCa, "CN=intruder", serverAuth: false));

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetAsync("/healthz"));
    }

    public static TheoryData<string, ServeOptions> InvalidOptions() => new()
    {
        { "https needs a certificate", new ServeOptions { Urls = "https://127.0.0.1:8888" } },
        { "a certificate needs its key", new ServeOptions { Urls = "https://127.0.0.1:8888", TlsCertFile = "/dev/null" } },
        { "client CA needs TLS", new ServeOptions { ClientCaFile = "/dev/null" } },
        { "TLS needs https urls", new ServeOptions { TlsCertFile = "/dev/null", TlsKeyFile = "/dev/null" } },
        { "body limit must be positive", new ServeOptions { MaxRequestBytes = 0 } },
        { "cluster file must exist", new ServeOptions { ClusterFile = "/nonexistent/cluster.yaml" } },
        { "ops urls need a port", new ServeOptions { OpsUrls = "http://0.0.0.0:0" } },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Invalid_serve_options_are_reported_at_start(string because, ServeOptions options)
    {
        Assert.True(options.Validate().Count > 0, because);
    }

    private async Task<WebApplication> StartAsync()
    {
        var options = new ServeOptions
        {
            ClusterFile = ExtenderTestHost.ClassicCluster,
            Urls = "https://127.0.0.1:0",
            TlsCertFile = Path.Combine(_dir, "server.crt"),
            TlsKeyFile = Path.Combine(_dir, "server.key"),
            ClientCaFile = Path.Combine(_dir, "ca.crt"),
        };
        Assert.Empty(options.Validate());
        var app = ExtenderHost.Build(options, configure: b => b.Logging.ClearProviders());
        await app.StartAsync();
        return app;
    }

    private HttpClient Client(WebApplication app, X509Certificate2? clientCertificate)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is X509Certificate2 server && Tls.IsIssuedByServer(server, _ca),
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri(app.Urls.Single()) };
    }

    private static X509Certificate2 CreateCa(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(ca.Export(X509ContentType.Pkcs12), null);
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string subject, bool serverAuth, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (serverAuth)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(System.Net.IPAddress.Loopback);
            san.AddDnsName("localhost");
            request.CertificateExtensions.Add(san.Build());
        }
        var serial = RandomNumberGenerator.GetBytes(16);
        var until = notAfter ?? DateTimeOffset.UtcNow.AddDays(7);
        var from = notAfter is null ? DateTimeOffset.UtcNow.AddHours(-1) : until.AddHours(-2);
        using var issued = request.Create(ca, from, until, serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    public void Dispose()
    {
        _ca.Dispose();
        _otherCa.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
