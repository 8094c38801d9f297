using System.Globalization;

namespace Bench.Scenarios.Tests.EndToEnd;

/// <summary>Finds the target processes this test process started, from /proc (they carry --parent-pid).</summary>
internal static class TargetProcesses
{
    public static IReadOnlyList<int> Children() => ChildrenOf(Environment.ProcessId);

    /// <summary>Target processes started by the process <paramref name="parentPid"/>.</summary>
    public static IReadOnlyList<int> ChildrenOf(int parentPid)
    {
        if (!System.IO.Directory.Exists("/proc"))
        {
            return [];
        }

        var marker = "--parent-pid\0" + parentPid.ToString(CultureInfo.InvariantCulture) + "\0";
        var found = new List<int>();
        foreach (var dir in System.IO.Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(marker, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while it was being read.
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours to read.
            }
        }

        return found;
    }
}
