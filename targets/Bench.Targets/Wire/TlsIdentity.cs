using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Bench.Targets.Wire;

/// <summary>
/// A self-signed certificate made in memory for one run (ECDSA P-256, for 127.0.0.1, ::1 and localhost, valid for a
/// week), and the pin clients trust it by: the SHA-256 of its DER bytes. Clients trust exactly this certificate — never
/// "any certificate" — so a run over TLS is as strict as production and cannot be fooled by another listener.
/// </summary>
public sealed class TlsIdentity : IDisposable
{
    /// <summary>The environment variable that hands a target its certificate (PKCS#12, base64; never written to disk).</summary>
    public const string PfxVariable = "BENCH_TLS_PFX";

    /// <summary>The environment variable that tells a dispatcher the one receiver certificate to trust.</summary>
    public const string PinVariable = "BENCH_TLS_PIN";

    private TlsIdentity(X509Certificate2 certificate)
    {
        Certificate = certificate;
        Pin = PinOf(certificate);
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>SHA-256 of the certificate's DER bytes, lower-case hex.</summary>
    public string Pin { get; }

    /// <summary>A new certificate, valid from a day before <paramref name="clock"/>'s now to a week after.</summary>
    public static TlsIdentity Create(TimeProvider? clock = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=bench-target", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddIpAddress(System.Net.IPAddress.IPv6Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = (clock ?? TimeProvider.System).GetUtcNow();
        using var made = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(7));

        // A round trip through PKCS#12 gives a certificate whose key every TLS stack on every OS can use.
        return new TlsIdentity(X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), null));
    }

    /// <summary>The certificate with its key, for a target's environment.</summary>
    public string ExportPfxBase64() => Convert.ToBase64String(Certificate.Export(X509ContentType.Pkcs12));

    public static TlsIdentity FromPfxBase64(string pfx) => new(X509CertificateLoader.LoadPkcs12(Convert.FromBase64String(pfx), null));

    public static string PinOf(X509Certificate certificate) => Convert.ToHexStringLower(SHA256.HashData(certificate.GetRawCertData()));

    /// <summary>Accepts the server certificate only when it is exactly the pinned one (chain and name checks are moot for a pin).</summary>
    public static RemoteCertificateValidationCallback Validator(string pin) =>
        (_, certificate, _, _) => certificate is not null && CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(PinOf(certificate)), System.Text.Encoding.ASCII.GetBytes(pin));

    /// <summary>Client options that trust only <paramref name="pin"/>.</summary>
    public static SslClientAuthenticationOptions ClientOptions(string pin, string host = "localhost") => new()
    {
        TargetHost = host,
        RemoteCertificateValidationCallback = Validator(pin),
        EnabledSslProtocols = System.Security.Authentication.SslProtocols.None,
    };

    public void Dispose() => Certificate.Dispose();
}
