using System.Security.Cryptography;

namespace Bench.Harness.Clients;

/// <summary>Per-run credentials, handed to targets through their environment so they never show on a command line.</summary>
public static class Secrets
{
    public static string NewToken() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
}
