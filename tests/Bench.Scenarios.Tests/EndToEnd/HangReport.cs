using System.Diagnostics;
using System.Text;

namespace Bench.Scenarios.Tests.EndToEnd;

/// <summary>
/// Says where a process that did not exit was: its state and signal dispositions, each thread's name, state, kernel
/// wait and blocked signals, its children, and its managed stacks when <c>dotnet-stack</c> is installed (bounded to
/// 20 s). For failure messages only.
/// </summary>
internal static class HangReport
{
    private const ulong SigintBit = 1UL << (2 - 1);

    /// <summary>
    /// Why <paramref name="pid"/> cannot be interrupted, or null: a process started with SIGINT ignored (a background
    /// job of a shell without job control, nohup) keeps it ignored, and .NET then installs no handler for it.
    /// </summary>
    public static string? SigintUnhandled(int pid)
    {
        var status = Path.Combine($"/proc/{pid}", "status");
        if (!File.Exists(status))
        {
            return null;
        }

        if ((Mask(Read(status, "SigIgn:")) & SigintBit) != 0)
        {
            return $"pid {pid} was started with SIGINT ignored (inherited: {Read(status, "SigIgn:")}), so Ctrl-C cannot reach it";
        }

        return null;
    }

    private static ulong Mask(string line) =>
        ulong.TryParse(line.Split(':', 2).ElementAtOrDefault(1)?.Trim(), System.Globalization.NumberStyles.HexNumber, null, out var mask)
            ? mask
            : 0;

    public static string Describe(int pid)
    {
        var text = new StringBuilder();
        var proc = $"/proc/{pid}";
        if (!Directory.Exists(proc))
        {
            return $"pid {pid} has exited (its output pipes are still open: a process that inherited them holds them).";
        }

        var status = Path.Combine(proc, "status");
        var signals = string.Join(' ', new[] { "SigPnd:", "ShdPnd:", "SigIgn:", "SigCgt:" }.Select(f => Read(status, f)));
        text.AppendLine($"pid {pid}: {Read(status, "State:")}; {signals} (SIGINT is 0x2)");
        try
        {
            foreach (var task in Directory.GetDirectories(Path.Combine(proc, "task")))
            {
                var taskStatus = Path.Combine(task, "status");
                text.AppendLine($"  {Read(Path.Combine(task, "comm"))} ({Path.GetFileName(task)}) {Read(taskStatus, "State:")} " +
                    $"@{Read(Path.Combine(task, "wchan"))} {Read(taskStatus, "SigBlk:")}");
            }
        }
        catch (IOException e)
        {
            text.AppendLine($"  (it exited while its threads were read: {e.Message})");
        }

        text.AppendLine($"children started with --parent-pid: {string.Join(", ", TargetProcesses.ChildrenOf(pid))}");
        text.Append(ManagedStacks(pid));
        return text.ToString();
    }

    private static string Read(string path, string? line = null)
    {
        try
        {
            var all = File.ReadAllText(path).Trim();
            return line is null ? all : all.Split('\n').FirstOrDefault(l => l.StartsWith(line, StringComparison.Ordinal))?.Trim() ?? "";
        }
        catch (IOException e)
        {
            return $"({e.Message})";
        }
    }

    private static string ManagedStacks(int pid)
    {
        var tools = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "dotnet-stack");
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "dotnet-stack")).Append(tools)
            .FirstOrDefault(File.Exists);
        if (path is null)
        {
            return "managed stacks: dotnet-stack is not installed.";
        }

        var info = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("report");
        info.ArgumentList.Add("-p");
        info.ArgumentList.Add(pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var stack = Process.Start(info)!;
        var stdout = stack.StandardOutput.ReadToEndAsync();
        var stderr = stack.StandardError.ReadToEndAsync();
        if (!stack.WaitForExit(TimeSpan.FromSeconds(20)))
        {
            stack.Kill();
            return "managed stacks: dotnet-stack did not answer within 20 s.";
        }

        return "managed stacks:\n" + stdout.Result + stderr.Result;
    }
}
