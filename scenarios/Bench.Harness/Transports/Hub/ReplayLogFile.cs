namespace Bench.Harness.Transports.Hub;

/// <summary>
/// The hub's durable replay log for one fault run: a file in a temp folder of its own, which lives across the hub's
/// restart and is deleted, with SQLite's side files, when the run is over.
/// </summary>
internal sealed class ReplayLogFile : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("bench-replay-");

    public string Path => System.IO.Path.Combine(folder.FullName, "replay.db");

    public void Dispose() => folder.Delete(recursive: true);
}
