using System.Net;

namespace Bench.Reports.Html;

/// <summary>
/// The images report.html may inline: the run's own charts, by the exact file names ChartSet wrote, read from the
/// run's <c>charts/</c> folder and never through a symbolic link. Any other image reference — a path a results file
/// smuggled into the markdown — is named as such and its file is never read.
/// </summary>
internal sealed class ChartImages(string directory, IReadOnlyCollection<string> charts)
{
    private const string Folder = "charts/";

    /// <summary>An <c>img</c> with the chart as a PNG data URI, or a note in <paramref name="tag"/> that it is not one.</summary>
    public string Html(string relative, string alt, string tag)
    {
        var name = relative.StartsWith(Folder, StringComparison.Ordinal) ? relative[Folder.Length..] : null;
        if (name is null || !charts.Contains(name, StringComparer.Ordinal)
            || name.AsSpan().ContainsAny(['/', '\\']) || name.StartsWith('.'))
        {
            return $"<{tag} class=\"missing\">not one of this run's charts: {WebUtility.HtmlEncode(relative)}</{tag}>";
        }

        var png = Path.Combine(directory, "charts", name);
        if (!File.Exists(png) || new FileInfo(png).Attributes.HasFlag(FileAttributes.ReparsePoint))
        {
            return $"<{tag} class=\"missing\">chart missing: {WebUtility.HtmlEncode(relative)}</{tag}>";
        }

        var data = Convert.ToBase64String(File.ReadAllBytes(png));
        return $"<img alt=\"{WebUtility.HtmlEncode(alt)}\" src=\"data:image/png;base64,{data}\">";
    }
}
