using Assignment3.Domain.Ports;
using Microsoft.Data.Sqlite;

namespace Assignment3.Adapters.Local;

/// <summary>
/// Objects' states and buckets' totals in one SQLite file: <c>object_state</c> keyed by (bucket, key) with a revision,
/// <c>bucket_totals</c> one row per bucket. Each apply is one immediate transaction: the revisions are checked and every
/// state and the totals written, or nothing.
/// </summary>
public sealed class SqliteObjectStateStore : IObjectStateStore
{
    // No bound of SQLite's: as many as a batch of the queue (1,000 events) can touch.
    private const int MaxObjects = 1000;
    private readonly string _connectionString;

    /// <summary>Opens (and creates, if needed) the store at <paramref name="databasePath"/>.</summary>
    public SqliteObjectStateStore(string databasePath)
    {
        _connectionString = SqliteFiles.ConnectionString(databasePath);
        using var connection = SqliteFiles.Open(_connectionString);
        SqliteFiles.Execute(connection, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS object_state (
                bucket_name TEXT NOT NULL,
                object_key  TEXT NOT NULL,
                status      TEXT NOT NULL,
                size        INTEGER NOT NULL,
                etag        TEXT,
                version_id  TEXT,
                sequencer   TEXT,
                revision    INTEGER NOT NULL,
                observed_at INTEGER,
                written_at  INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (bucket_name, object_key)
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS bucket_totals (
                bucket_name          TEXT PRIMARY KEY,
                total_size           INTEGER NOT NULL,
                object_cnt           INTEGER NOT NULL,
                unconfirmed_deletes  INTEGER NOT NULL,
                reconciled_at        INTEGER,
                resume_after         TEXT
            ) WITHOUT ROWID;
            """);
        // A store written before reconciliation existed lacks its columns; what it holds counts as written long ago.
        AddColumnIfMissing(connection, "object_state", "observed_at", "INTEGER");
        AddColumnIfMissing(connection, "object_state", "written_at", "INTEGER NOT NULL DEFAULT 0");
        AddColumnIfMissing(connection, "bucket_totals", "reconciled_at", "INTEGER");
        AddColumnIfMissing(connection, "bucket_totals", "resume_after", "TEXT");
    }

    /// <inheritdoc />
    public int MaxObjectsPerApply => MaxObjects;

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, StoredObjectState>> GetAsync(string bucketName, IReadOnlyCollection<string> keys,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        await using var connection = SqliteFiles.Open(_connectionString);
        await using var select = SelectCommand(connection, bucketName);
        var found = new Dictionary<string, StoredObjectState>(StringComparer.Ordinal);
        foreach (var key in keys.Distinct(StringComparer.Ordinal))
        {
            if (await ReadAsync(select, key, cancellationToken) is { } stored)
            {
                found[key] = stored;
            }
        }

        return found;
    }

    /// <inheritdoc />
    public async Task<bool> ApplyAsync(string bucketName, IReadOnlyList<ObjectStateWrite> writes, BucketTotals delta, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writes);
        ArgumentNullException.ThrowIfNull(delta);
        ObjectStateWrites.Check(writes, MaxObjects);
        await using var connection = SqliteFiles.Open(_connectionString);
        // Immediate: the write lock is taken before the revisions are read, so nobody writes between check and write.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken);
        await using var select = SelectCommand(connection, bucketName);
        foreach (var write in writes)
        {
            if ((await ReadAsync(select, write.Key, cancellationToken))?.Revision is not { } revision ? write.ExpectedRevision != 0 : revision != write.ExpectedRevision)
            {
                return false; // disposing the transaction rolls it back
            }
        }

        await using var upsert = connection.CreateCommand();
        upsert.CommandText = """
            INSERT INTO object_state (bucket_name, object_key, status, size, etag, version_id, sequencer, revision, observed_at, written_at)
            VALUES ($bucket, $key, $status, $size, $etag, $version, $sequencer, $revision, $observed, $written)
            ON CONFLICT (bucket_name, object_key) DO UPDATE SET status = excluded.status, size = excluded.size,
                etag = excluded.etag, version_id = excluded.version_id, sequencer = excluded.sequencer, revision = excluded.revision,
                observed_at = excluded.observed_at, written_at = excluded.written_at
            """;
        foreach (var write in writes)
        {
            upsert.Parameters.Clear();
            upsert.Parameters.AddWithValue("$bucket", bucketName);
            upsert.Parameters.AddWithValue("$key", write.Key);
            upsert.Parameters.AddWithValue("$status", write.State.Status.ToString());
            upsert.Parameters.AddWithValue("$size", write.State.Size);
            upsert.Parameters.AddWithValue("$etag", (object?)write.State.ETag ?? DBNull.Value);
            upsert.Parameters.AddWithValue("$version", (object?)write.State.VersionId ?? DBNull.Value);
            upsert.Parameters.AddWithValue("$sequencer", (object?)write.State.Sequencer ?? DBNull.Value);
            upsert.Parameters.AddWithValue("$revision", write.ExpectedRevision + 1);
            upsert.Parameters.AddWithValue("$observed", (object?)write.State.ObservedAt ?? DBNull.Value);
            upsert.Parameters.AddWithValue("$written", write.WrittenAt);
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var totals = connection.CreateCommand();
        totals.CommandText = """
            INSERT INTO bucket_totals (bucket_name, total_size, object_cnt, unconfirmed_deletes) VALUES ($bucket, $size, $count, $unconfirmed)
            ON CONFLICT (bucket_name) DO UPDATE SET total_size = total_size + excluded.total_size,
                object_cnt = object_cnt + excluded.object_cnt, unconfirmed_deletes = unconfirmed_deletes + excluded.unconfirmed_deletes
            """;
        totals.Parameters.AddWithValue("$bucket", bucketName);
        totals.Parameters.AddWithValue("$size", delta.TotalSize);
        totals.Parameters.AddWithValue("$count", delta.ObjectCount);
        totals.Parameters.AddWithValue("$unconfirmed", delta.UnconfirmedDeletes);
        await totals.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <inheritdoc />
    public async Task<BucketTotals> GetTotalsAsync(string bucketName, CancellationToken cancellationToken)
    {
        await using var connection = SqliteFiles.Open(_connectionString);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT total_size, object_cnt, unconfirmed_deletes FROM bucket_totals WHERE bucket_name = $bucket";
        command.Parameters.AddWithValue("$bucket", bucketName);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new BucketTotals(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2))
            : BucketTotals.Zero;
    }

    /// <inheritdoc />
    /// <remarks>SQLite compares text by its UTF-8 bytes (the BINARY collation): S3's order.</remarks>
    public async Task<IReadOnlyDictionary<string, StoredObjectState>> GetRangeAsync(string bucketName, KeyRange range, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(range);
        await using var connection = SqliteFiles.Open(_connectionString);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {StateColumns}, object_key FROM object_state
            WHERE bucket_name = $bucket AND ($after IS NULL OR object_key > $after) AND ($through IS NULL OR object_key <= $through)
            """;
        command.Parameters.AddWithValue("$bucket", bucketName);
        command.Parameters.AddWithValue("$after", (object?)range.After ?? DBNull.Value);
        command.Parameters.AddWithValue("$through", (object?)range.Through ?? DBNull.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var found = new Dictionary<string, StoredObjectState>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            found[reader.GetString(8)] = StateOf(reader);
        }

        return found;
    }

    /// <inheritdoc />
    public async Task<ReconciliationMark?> GetReconciliationAsync(string bucketName, CancellationToken cancellationToken)
    {
        await using var connection = SqliteFiles.Open(_connectionString);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT reconciled_at, resume_after FROM bucket_totals WHERE bucket_name = $bucket";
        command.Parameters.AddWithValue("$bucket", bucketName);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) && !(reader.IsDBNull(0) && reader.IsDBNull(1))
            ? new ReconciliationMark(reader.IsDBNull(0) ? null : reader.GetInt64(0), Text(reader, 1))
            : null;
    }

    /// <inheritdoc />
    public async Task SaveReconciliationAsync(string bucketName, ReconciliationMark mark, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mark);
        await using var connection = SqliteFiles.Open(_connectionString);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO bucket_totals (bucket_name, total_size, object_cnt, unconfirmed_deletes, reconciled_at, resume_after)
            VALUES ($bucket, 0, 0, 0, $reconciled, $resume)
            ON CONFLICT (bucket_name) DO UPDATE SET reconciled_at = COALESCE(excluded.reconciled_at, reconciled_at), resume_after = excluded.resume_after
            """;
        command.Parameters.AddWithValue("$bucket", bucketName);
        command.Parameters.AddWithValue("$reconciled", (object?)mark.LastFinishedAt ?? DBNull.Value);
        command.Parameters.AddWithValue("$resume", (object?)mark.ResumeAfter ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private const string StateColumns = "status, size, etag, version_id, sequencer, revision, observed_at, written_at";

    private static void AddColumnIfMissing(SqliteConnection connection, string table, string column, string definition)
    {
        using var check = connection.CreateCommand();
        check.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = '{column}'";
        if ((long)check.ExecuteScalar()! == 0)
        {
            SqliteFiles.Execute(connection, $"ALTER TABLE {table} ADD COLUMN {column} {definition}");
        }
    }

    private static SqliteCommand SelectCommand(SqliteConnection connection, string bucketName)
    {
        var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {StateColumns} FROM object_state WHERE bucket_name = $bucket AND object_key = $key
            """;
        command.Parameters.AddWithValue("$bucket", bucketName);
        command.Parameters.Add("$key", SqliteType.Text);
        return command;
    }

    private static async Task<StoredObjectState?> ReadAsync(SqliteCommand select, string key, CancellationToken cancellationToken)
    {
        select.Parameters["$key"].Value = key;
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return StateOf(reader);
    }

    private static StoredObjectState StateOf(SqliteDataReader reader) => new(
        new ObjectState(Enum.Parse<ObjectStatus>(reader.GetString(0)), reader.GetInt64(1), Text(reader, 2), Text(reader, 3), Text(reader, 4),
            reader.IsDBNull(6) ? null : reader.GetInt64(6)),
        reader.GetInt64(5),
        reader.GetInt64(7));

    private static string? Text(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
