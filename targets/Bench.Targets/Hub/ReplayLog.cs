using Bench.Targets.Dispatcher;
using Bench.Targets.Events;
using Microsoft.Data.Sqlite;

namespace Bench.Targets.Hub;

/// <summary>
/// The hub's durable replay log (<c>--replay-log</c>): an embedded SQLite file (WAL, synchronous=NORMAL, as the
/// dispatcher's outbox). Every event the hub accepts is written once, in its own transaction, before the publish is
/// acknowledged, at the next position of one sequence that never goes back. A stream records the position it was created
/// at, so its sequence number for an event is the event's position minus that base: after a restart both continue, and
/// a subscriber resuming with its last sequence number is replayed exactly what followed. Bounded as one stream's memory
/// buffer is (events, bytes, age): the oldest rows are deleted as new ones come. A committed row survives the process
/// being killed; in WAL mode synchronous=NORMAL may lose the last commits to a power cut, not to a crash.
/// </summary>
internal sealed class ReplayLog : IDisposable
{
    private readonly SqliteConnection connection;
    private readonly object gate = new();
    private readonly int maxEvents;
    private readonly long maxBytes;
    private readonly long maxAgeMs;
    private readonly TimeProvider clock;

    // What the file holds, oldest first, so that trimming is decided here and done in one DELETE by position.
    private readonly Queue<(long Pos, long Cost, long AtMs)> kept = new();
    private long bytes;
    private long lastPos;
    private SqliteCommand? insert;

    /// <summary>
    /// Opens (or creates, readable by its owner only) the log at <paramref name="path"/>, keeping at most
    /// <paramref name="maxEvents"/> events, <paramref name="maxBytes"/> bytes (payloads plus 64 a row) and
    /// <paramref name="maxAge"/>; what it already holds beyond them is trimmed now.
    /// </summary>
    public ReplayLog(string path, int maxEvents, long maxBytes, TimeSpan maxAge, TimeProvider clock)
    {
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
        maxAgeMs = (long)maxAge.TotalMilliseconds;
        this.clock = clock;
        PrivateFiles.Ensure(path);
        connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        try
        {
            Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");

            // AUTOINCREMENT keeps the highest position ever written (sqlite_sequence) even when trimming empties the table.
            Execute("""
                CREATE TABLE IF NOT EXISTS events (pos INTEGER PRIMARY KEY AUTOINCREMENT, number INTEGER NOT NULL,
                    intended INTEGER NOT NULL, payload BLOB NOT NULL, at_ms INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS streams (name TEXT PRIMARY KEY, base INTEGER NOT NULL);
                """);
            lastPos = Scalar("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0)");
            using var query = connection.CreateCommand();
            query.CommandText = "SELECT pos, length(payload), at_ms FROM events ORDER BY pos";
            using var reader = query.ExecuteReader();
            while (reader.Read())
            {
                var cost = reader.GetInt64(1) + ByteBudget.EntryOverhead;
                kept.Enqueue((reader.GetInt64(0), cost, reader.GetInt64(2)));
                bytes += cost;
            }
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        Trim();
    }

    /// <summary>The position of the last event written (0 when none ever was): the hub's sequence continues from it.</summary>
    public long LastPosition
    {
        get
        {
            lock (gate)
            {
                return lastPos;
            }
        }
    }

    /// <summary>Events the log holds now.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return kept.Count;
            }
        }
    }

    /// <summary>Writes <paramref name="evt"/> at the next position (committed when this returns) and trims; returns the position.</summary>
    public long Append(PublishedEvent evt)
    {
        lock (gate)
        {
            var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
            using var tx = connection.BeginTransaction();
            insert ??= Prepare();
            insert.Transaction = tx;
            var pos = lastPos + 1;
            insert.Parameters["$pos"].Value = pos;
            insert.Parameters["$number"].Value = evt.Number;
            insert.Parameters["$intended"].Value = evt.IntendedTimestamp;
            insert.Parameters["$payload"].Value = evt.Payload.ToArray();
            insert.Parameters["$at"].Value = now;
            insert.ExecuteNonQuery();
            var cost = ByteBudget.CostOf(evt);
            kept.Enqueue((pos, cost, now));
            bytes += cost;
            DeleteOldest(now, tx);
            tx.Commit();
            lastPos = pos;
            return pos;
        }
    }

    /// <summary>Deletes the events past the age limit now, without waiting for the next event.</summary>
    public void Trim()
    {
        lock (gate)
        {
            using var tx = connection.BeginTransaction();
            DeleteOldest(clock.GetUtcNow().ToUnixTimeMilliseconds(), tx);
            tx.Commit();
        }
    }

    /// <summary>Records that stream <paramref name="name"/> starts now: its first sequence number is the next position's.</summary>
    public long AddStream(string name)
    {
        lock (gate)
        {
            using var upsert = connection.CreateCommand();
            upsert.CommandText = "INSERT OR REPLACE INTO streams (name, base) VALUES ($name, $base)";
            upsert.Parameters.AddWithValue("$name", name);
            upsert.Parameters.AddWithValue("$base", lastPos);
            upsert.ExecuteNonQuery();
            return lastPos;
        }
    }

    /// <summary>Forgets stream <paramref name="name"/>: a stream of that name made later starts its sequence again.</summary>
    public void RemoveStream(string name)
    {
        lock (gate)
        {
            using var delete = connection.CreateCommand();
            delete.CommandText = "DELETE FROM streams WHERE name = $name";
            delete.Parameters.AddWithValue("$name", name);
            delete.ExecuteNonQuery();
        }
    }

    /// <summary>The streams recorded, each with the position it started after, in name order.</summary>
    public IReadOnlyList<(string Name, long Base)> Streams()
    {
        lock (gate)
        {
            using var query = connection.CreateCommand();
            query.CommandText = "SELECT name, base FROM streams ORDER BY name";
            using var reader = query.ExecuteReader();
            var list = new List<(string, long)>();
            while (reader.Read())
            {
                list.Add((reader.GetString(0), reader.GetInt64(1)));
            }

            return list;
        }
    }

    /// <summary>The events the log holds, oldest first, each with its position and its age now.</summary>
    public IReadOnlyList<LoggedEvent> Tail()
    {
        lock (gate)
        {
            var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
            using var query = connection.CreateCommand();
            query.CommandText = "SELECT pos, number, intended, payload, at_ms FROM events ORDER BY pos";
            using var reader = query.ExecuteReader();
            var list = new List<LoggedEvent>();
            while (reader.Read())
            {
                var evt = new PublishedEvent(reader.GetInt64(1), reader.GetInt64(2), (byte[])reader[3]);
                list.Add(new LoggedEvent(reader.GetInt64(0), evt, TimeSpan.FromMilliseconds(Math.Max(0, now - reader.GetInt64(4)))));
            }

            return list;
        }
    }

    private void DeleteOldest(long now, SqliteTransaction tx)
    {
        long through = 0;
        while (kept.Count > 0)
        {
            var (pos, cost, at) = kept.Peek();
            if (kept.Count <= maxEvents && bytes <= maxBytes && now - at <= maxAgeMs)
            {
                break;
            }

            kept.Dequeue();
            bytes -= cost;
            through = pos;
        }

        if (through > 0)
        {
            using var delete = connection.CreateCommand();
            delete.Transaction = tx;
            delete.CommandText = "DELETE FROM events WHERE pos <= $through";
            delete.Parameters.AddWithValue("$through", through);
            delete.ExecuteNonQuery();
        }
    }

    private SqliteCommand Prepare()
    {
        var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO events (pos, number, intended, payload, at_ms) VALUES ($pos, $number, $intended, $payload, $at)";
        command.Parameters.Add("$pos", SqliteType.Integer);
        command.Parameters.Add("$number", SqliteType.Integer);
        command.Parameters.Add("$intended", SqliteType.Integer);
        command.Parameters.Add("$payload", SqliteType.Blob);
        command.Parameters.Add("$at", SqliteType.Integer);
        return command;
    }

    private long Scalar(string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    private void Execute(string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        lock (gate)
        {
            insert?.Dispose();
            connection.Dispose();
        }
    }
}

/// <summary>An event read back from the replay log: its position, the event, and how long ago it was written.</summary>
internal readonly record struct LoggedEvent(long Position, PublishedEvent Event, TimeSpan Age);
