using System.ComponentModel;
using System.Diagnostics;

namespace Bench.Harness.Cluster;

/// <summary>What one kubectl call answered.</summary>
public sealed record KubectlResult(int ExitCode, string Output, string Error);

/// <summary>Runs kubectl (the cluster its current context points at); a test gives a fake.</summary>
public interface IKubectl
{
    Task<KubectlResult> RunAsync(IReadOnlyList<string> args, string? input, CancellationToken ct);
}

/// <summary>The <c>kubectl</c> on PATH, run as a process with its output read whole.</summary>
public sealed class KubectlProcess : IKubectl
{
    public async Task<KubectlResult> RunAsync(IReadOnlyList<string> args, string? input, CancellationToken ct)
    {
        var start = new ProcessStartInfo("kubectl")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new UsageException($"kubectl: cannot be run ({e.Message}); install it, or write the manifests with --render DIR");
        }

        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        try
        {
            if (input is not null)
            {
                await process.StandardInput.WriteAsync(input.AsMemory(), ct).ConfigureAwait(false);
            }

            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // kubectl ended before reading all of its input; its exit code and error say why.
        }

        try
        {
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new KubectlResult(process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
    }
}
