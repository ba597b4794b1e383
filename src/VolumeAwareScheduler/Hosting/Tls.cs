using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using VolumeAwareScheduler.Configuration;

namespace VolumeAwareScheduler.Hosting;

/// <summary>Kestrel's TLS from PEM files, and client certificates required and validated against a given CA.</summary>
public static class Tls
{
    public static void Configure(KestrelServerOptions kestrel, ServeOptions options)
    {
        if (!options.UsesTls) return;
        using var pem = X509Certificate2.CreateFromPemFile(options.TlsCertFile!, options.TlsKeyFile);
        // A PKCS#12 round trip gives the key a form SslStream accepts on every platform.
        var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        X509Certificate2Collection? clientCa = null;
        if (options.ClientCaFile is not null)
        {
            clientCa = [];
            clientCa.ImportFromPemFile(options.ClientCaFile);
        }
        kestrel.ConfigureHttpsDefaults(https =>
        {
            https.ServerCertificate = certificate;
            if (clientCa is null) return;
            https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            https.ClientCertificateValidation = (cert, _, _) => IsIssuedBy(cert, clientCa);
        });
    }

    /// <summary>The client certificate chains to one of the CA certificates (and only those), and is valid for client auth.</summary>
    public static bool IsIssuedBy(X509Certificate2 certificate, X509Certificate2Collection authorities) =>
        Chains(certificate, authorities, "1.3.6.1.5.5.7.3.2");

    /// <summary>The same check for a server certificate (serverAuth): what a client of ours, or a test, trusts.</summary>
    public static bool IsIssuedByServer(X509Certificate2 certificate, X509Certificate2 authority) =>
        Chains(certificate, [authority], "1.3.6.1.5.5.7.3.1");

    private static bool Chains(X509Certificate2 certificate, X509Certificate2Collection authorities, string usage)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid(usage));
        return chain.Build(certificate);
    }

}
