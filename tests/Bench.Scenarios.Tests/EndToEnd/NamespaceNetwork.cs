using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Bench.Scenarios.Tests.EndToEnd;

/// <summary>
/// "Hosts" made of Linux network namespaces for one test: a switch namespace holding a bridge, and one namespace per
/// host joined to it by a veth pair, each with an address of its own in 10.231.0.0/24 and its own loopback. Nothing is
/// added to the machine's own namespace: every link is made from inside the switch namespace. Processes started here
/// (<c>ip netns exec</c>) are killed, and the namespaces deleted, on <see cref="Dispose"/>; namespaces of this prefix
/// older than <see cref="LeftoverAge"/> (a run that was itself killed) are deleted on <see cref="Create"/>.
/// </summary>
internal sealed class NamespaceNetwork : IDisposable
{
    /// <summary>Every namespace this test makes starts with this.</summary>
    public const string Prefix = "bnsrun-";

    /// <summary>Older than any run of the test could be: a namespace of the prefix this old is a leftover.</summary>
    private static readonly TimeSpan LeftoverAge = TimeSpan.FromMinutes(10);

    private readonly string id;
    private readonly List<string> made = [];
    private readonly ConcurrentBag<NamespaceProcess> processes = [];
    private readonly Dictionary<string, string> addresses = [];

    private NamespaceNetwork(string id)
    {
        this.id = id;
    }

    /// <summary>Why namespaces cannot be made here (not root, no <c>ip</c>, <c>ip netns add</c> refused), or null.</summary>
    public static string? Unavailable()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "network namespaces are Linux's";
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return "not root: ip netns add needs CAP_SYS_ADMIN";
        }

        var probe = Prefix + "probe-" + Guid.NewGuid().ToString("N")[..6];
        var (code, text) = Ip("netns", "add", probe);
        if (code != 0)
        {
            return $"ip netns add is not permitted here (exit {code}: {text.Trim()})";
        }

        Ip("netns", "del", probe);
        return null;
    }

    /// <summary>
    /// Makes the switch and one namespace per host in <paramref name="hosts"/> (name → address in 10.231.0.0/24).
    /// </summary>
    public static NamespaceNetwork Create(IReadOnlyDictionary<string, string> hosts)
    {
        DeleteLeftovers();
        var net = new NamespaceNetwork(Guid.NewGuid().ToString("N")[..6]);
        try
        {
            var sw = net.Add("sw");
            net.Must("-n", sw, "link", "set", "lo", "up");
            net.Must("-n", sw, "link", "add", "br0", "type", "bridge");
            net.Must("-n", sw, "link", "set", "br0", "up");
            foreach (var (host, address) in hosts)
            {
                var ns = net.Add(host);
                var port = "v-" + host;
                net.Must("-n", sw, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
                net.Must("-n", sw, "link", "set", port, "master", "br0");
                net.Must("-n", sw, "link", "set", port, "up");
                net.Must("-n", ns, "addr", "add", address + "/24", "dev", "eth0");
                net.Must("-n", ns, "link", "set", "eth0", "up");
                net.Must("-n", ns, "link", "set", "lo", "up");
                net.addresses[host] = address;
            }

            return net;
        }
        catch
        {
            net.Dispose();
            throw;
        }
    }

    /// <summary>The namespace of <paramref name="host"/>.</summary>
    public string Namespace(string host) => $"{Prefix}{id}-{host}";

    /// <summary>
    /// Starts <paramref name="fileName"/> with <paramref name="arguments"/> in <paramref name="host"/>'s namespace
    /// (<c>ip netns exec</c>, which becomes the program), with <paramref name="environment"/> added to this process's.
    /// </summary>
    public NamespaceProcess Start(string host, string name, string fileName, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(IpPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])["netns", "exec", Namespace(host), fileName, .. arguments])
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = new NamespaceProcess(name, Process.Start(info)!);
        processes.Add(process);
        return process;
    }

    /// <summary>Runs a short command in <paramref name="host"/>'s namespace and returns its exit code and output.</summary>
    public (int Code, string Output) Exec(string host, params string[] command) =>
        Ip(["netns", "exec", Namespace(host), .. command]);

    public void Dispose()
    {
        foreach (var p in processes)
        {
            p.Dispose();
        }

        foreach (var ns in made.AsEnumerable().Reverse())
        {
            Delete(ns);
        }
    }

    private string Add(string host)
    {
        var ns = Namespace(host);
        Must("netns", "add", ns);
        made.Add(ns);
        return ns;
    }

    private void Must(params string[] arguments)
    {
        var (code, text) = Ip(arguments);
        if (code != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', arguments)}: exit {code}: {text.Trim()}");
        }
    }

    /// <summary>Kills what still runs in <paramref name="ns"/> (only processes this test started get there) and deletes it.</summary>
    private static void Delete(string ns)
    {
        var (_, pids) = Ip("netns", "pids", ns);
        foreach (var line in pids.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                try
                {
                    using var p = Process.GetProcessById(pid);
                    p.Kill(entireProcessTree: true);
                    p.WaitForExit(5000);
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    // It has gone already.
                }
            }
        }

        Ip("netns", "del", ns);
    }

    private static void DeleteLeftovers()
    {
        const string run = "/run/netns";
        if (!Directory.Exists(run))
        {
            return;
        }

        foreach (var path in Directory.GetFiles(run, Prefix + "*"))
        {
            if (DateTime.UtcNow - File.GetLastWriteTimeUtc(path) > LeftoverAge)
            {
                Delete(Path.GetFileName(path));
            }
        }
    }

    private static string IpPath => new[] { "/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip" }.FirstOrDefault(File.Exists) ?? "ip";

    private static (int Code, string Output) Ip(params string[] arguments)
    {
        var info = new ProcessStartInfo(IpPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        Process p;
        try
        {
            p = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (127, e.Message);
        }

        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(20_000))
            {
                p.Kill(entireProcessTree: true);
                p.WaitForExit(5000);
                return (124, "timed out after 20 s");
            }

            return (p.ExitCode, stdout.Result + stderr.Result);
        }
    }
}

/// <summary>A process started in a namespace: its exit and everything it wrote, kept for the test's messages.</summary>
internal sealed class NamespaceProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder lines = new();
    private readonly TaskCompletionSource<int> exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public NamespaceProcess(string name, Process process)
    {
        Name = name;
        this.process = process;
        process.EnableRaisingEvents = true;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.Exited += (_, _) =>
        {
            process.WaitForExit();
            exited.TrySetResult(process.ExitCode);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (process.HasExited)
        {
            exited.TrySetResult(process.ExitCode);
        }
    }

    public string Name { get; }

    public Task<int> Exited => exited.Task;

    /// <summary>What it wrote so far, standard output and error interleaved.</summary>
    public string Output
    {
        get
        {
            lock (lines)
            {
                return lines.ToString();
            }
        }
    }

    /// <summary>Waits until a line containing <paramref name="text"/> has been written; false on exit or timeout.</summary>
    public async Task<bool> WaitForAsync(string text, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until && !Exited.IsCompleted)
        {
            if (Output.Contains(text, StringComparison.Ordinal))
            {
                return true;
            }

            await Task.Delay(100);
        }

        return Output.Contains(text, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // It has gone already.
        }

        process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (lines)
        {
            lines.Append(line).Append('\n');
        }
    }
}
