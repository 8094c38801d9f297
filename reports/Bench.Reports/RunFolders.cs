using System.Globalization;

namespace Bench.Reports;

/// <summary>Where runs are written: <c>results/&lt;run-id&gt;</c>, unique, with <c>results/latest</c> pointing at the newest.</summary>
public static class RunFolders
{
    public const string Root = "results";

    /// <summary>
    /// A folder for <paramref name="name"/> under <see cref="Root"/> that does not exist yet (-2, -3, … appended when
    /// needed).
    /// </summary>
    public static string Unique(string name)
    {
        var path = Path.Combine(Root, name);
        for (var i = 2; Directory.Exists(path); i++)
        {
            path = Path.Combine(Root, $"{name}-{i.ToString(CultureInfo.InvariantCulture)}");
        }

        return path;
    }

    /// <summary>Points <c>results/latest</c> at a run folder (a relative symbolic link); returns a warning when it could not.</summary>
    public static string? PointLatestAt(string directory)
    {
        var latest = Path.Combine(Root, "latest");
        try
        {
            if (File.Exists(latest) || Directory.Exists(latest))
            {
                File.Delete(latest);
            }

            File.CreateSymbolicLink(latest, Path.GetFileName(directory));
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"warning: could not point {latest} at the run: {e.Message}";
        }
    }
}
