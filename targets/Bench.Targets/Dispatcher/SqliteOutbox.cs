using Microsoft.Data.Sqlite;

namespace Bench.Targets.Dispatcher;

/// <summary>
/// The durable outbox: an embedded SQLite file (WAL, synchronous=NORMAL, as production senders tune it). Each accepted
/// event's deliveries are written in one transaction before it is acknowledged. Completed deliveries are deleted in
/// batches (every few milliseconds, one transaction): a crash between a 2xx and its delete means the delivery is sent
/// again, which at-least-once delivery allows and receivers de-duplicate.
/// </summary>
public sealed class SqliteOutbox : IOutbox
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(5);
    private readonly SqliteConnection connection;
    private readonly object gate = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<long> completed = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly Task flusher;
    private readonly SecretBox box;

    /// <summary>
    /// Opens (or creates, readable by its owner only) the outbox at
    /// <paramref name="path"/>; secrets are sealed with its key.
    /// </summary>
    public SqliteOutbox(string path)
    {
        PrivateFiles.Ensure(path);
        box = SecretBox.ForStore(path);
        connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
        Execute("""
            CREATE TABLE IF NOT EXISTS endpoints (stream TEXT PRIMARY KEY, url TEXT NOT NULL, secret TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS deliveries (id INTEGER PRIMARY KEY, stream TEXT NOT NULL, event INTEGER NOT NULL,
                seq INTEGER NOT NULL, intended INTEGER NOT NULL, payload BLOB NOT NULL, attempt INTEGER NOT NULL,
                webhook_id TEXT);
            """);
        AddWebhookIdColumn();
        flusher = Task.Run(FlushLoopAsync);
    }

    public bool IsDurable => true;

    public void Add(IReadOnlyList<Delivery> deliveries)
    {
        lock (gate)
        {
            using var tx = connection.BeginTransaction();
            using var insert = connection.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = "INSERT INTO deliveries (id, stream, event, seq, intended, payload, attempt, webhook_id) "
                + "VALUES ($id, $stream, $event, $seq, $intended, $payload, 0, $webhookId)";
            var id = insert.Parameters.Add("$id", SqliteType.Integer);
            var stream = insert.Parameters.Add("$stream", SqliteType.Text);
            var evt = insert.Parameters.Add("$event", SqliteType.Integer);
            var seq = insert.Parameters.Add("$seq", SqliteType.Integer);
            var intended = insert.Parameters.Add("$intended", SqliteType.Integer);
            var payload = insert.Parameters.Add("$payload", SqliteType.Blob);
            var webhookId = insert.Parameters.Add("$webhookId", SqliteType.Text);
            foreach (var d in deliveries)
            {
                id.Value = d.Id;
                stream.Value = d.Stream;
                evt.Value = d.EventNumber;
                seq.Value = d.Seq;
                intended.Value = d.IntendedTimestamp;
                payload.Value = d.Payload;
                webhookId.Value = d.WebhookId;
                insert.ExecuteNonQuery();
            }

            tx.Commit();
        }
    }

    public void Remove(long deliveryId) => completed.Enqueue(deliveryId);

    private async Task FlushLoopAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(FlushInterval, stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            Flush();
        }

        Flush();
    }

    private void Flush()
    {
        if (completed.IsEmpty)
        {
            return;
        }

        lock (gate)
        {
            using var tx = connection.BeginTransaction();
            using var delete = connection.CreateCommand();
            delete.Transaction = tx;
            delete.CommandText = "DELETE FROM deliveries WHERE id = $id";
            var id = delete.Parameters.Add("$id", SqliteType.Integer);
            while (completed.TryDequeue(out var next))
            {
                id.Value = next;
                delete.ExecuteNonQuery();
            }

            tx.Commit();
        }
    }

    public void SaveEndpoint(EndpointRecord endpoint)
    {
        lock (gate)
        {
            using var upsert = connection.CreateCommand();
            upsert.CommandText = "INSERT OR REPLACE INTO endpoints (stream, url, secret) VALUES ($stream, $url, $secret)";
            upsert.Parameters.AddWithValue("$stream", endpoint.Stream);
            upsert.Parameters.AddWithValue("$url", endpoint.Url);
            upsert.Parameters.AddWithValue("$secret", box.Seal(endpoint.Secret));
            upsert.ExecuteNonQuery();
        }
    }

    public IReadOnlyList<EndpointRecord> LoadEndpoints()
    {
        lock (gate)
        {
            using var query = connection.CreateCommand();
            query.CommandText = "SELECT stream, url, secret FROM endpoints ORDER BY stream";
            using var reader = query.ExecuteReader();
            var list = new List<EndpointRecord>();
            while (reader.Read())
            {
                // A secret this key did not seal comes back empty: the dispatcher refuses the endpoint rather than sign with it.
                list.Add(new EndpointRecord(reader.GetString(0), reader.GetString(1), box.Open(reader.GetString(2)) ?? ""));
            }

            return list;
        }
    }

    public IReadOnlyList<Delivery> LoadPending()
    {
        lock (gate)
        {
            using var query = connection.CreateCommand();
            query.CommandText = "SELECT id, stream, event, seq, intended, payload, attempt, webhook_id FROM deliveries ORDER BY id";
            Flush();
            using var reader = query.ExecuteReader();
            var list = new List<Delivery>();
            while (reader.Read())
            {
                list.Add(new Delivery(
                    reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), (byte[])reader[5])
                {
                    Attempt = reader.GetInt32(6),
                    WebhookId = reader.IsDBNull(7) ? "" : reader.GetString(7),
                });
            }

            return list;
        }
    }

    public long MaxId()
    {
        lock (gate)
        {
            using var query = connection.CreateCommand();
            query.CommandText = "SELECT COALESCE(MAX(id), 0) FROM deliveries";
            return (long)query.ExecuteScalar()!;
        }
    }

    /// <summary>An outbox written before deliveries kept their webhook-id gets the column (its old rows hold none).</summary>
    private void AddWebhookIdColumn()
    {
        using var columns = connection.CreateCommand();
        columns.CommandText = "SELECT COUNT(*) FROM pragma_table_info('deliveries') WHERE name = 'webhook_id'";
        if ((long)columns.ExecuteScalar()! == 0)
        {
            Execute("ALTER TABLE deliveries ADD COLUMN webhook_id TEXT");
        }
    }

    private void Execute(string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        stopping.Cancel();
        flusher.GetAwaiter().GetResult();
        connection.Dispose();
        stopping.Dispose();
    }
}
