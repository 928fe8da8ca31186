using Assignment3.Catalog;
using Assignment3.Domain;
using Assignment3.Domain.Ports;
using Microsoft.Data.Sqlite;

namespace Assignment3.Adapters.Local;

/// <summary>
/// The history in one SQLite file: the table mirrors DynamoDB's (bucket_name, time) key, and an index named like the
/// GSI serves the maximum.
/// </summary>
public sealed class SqliteHistoryRepository : IHistoryRepository
{
    private const string Columns = "bucket_name, time, total_size, object_cnt";
    private readonly string _connectionString;

    /// <summary>Opens (and creates, if needed) the history at <paramref name="databasePath"/>.</summary>
    public SqliteHistoryRepository(string databasePath)
    {
        _connectionString = new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString();
        using var connection = Open();
        Execute(connection, $"""
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS size_history (
                bucket_name TEXT NOT NULL,
                time        INTEGER NOT NULL,
                total_size  INTEGER NOT NULL,
                object_cnt  INTEGER NOT NULL,
                event_id    TEXT UNIQUE,
                PRIMARY KEY (bucket_name, time)
            ) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS {HistorySchema.SizeIndexName} ON size_history (bucket_name, total_size);
            """);
    }

    /// <inheritdoc />
    public async Task<AppendResult> AppendAsync(SizeRecord record, string? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await using var connection = Open();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        if (idempotencyKey is not null)
        {
            var earlier = await QueryAsync(connection, $"SELECT {Columns} FROM size_history WHERE event_id = $p0",
                [idempotencyKey], cancellationToken);
            if (earlier.Count > 0)
            {
                return new AppendResult(AppendOutcome.AlreadyRecorded, earlier[0]);
            }
        }

        await using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO size_history (bucket_name, time, total_size, object_cnt, event_id)
            VALUES ($bucket, $time, $size, $count, $event) ON CONFLICT DO NOTHING
            """;
        insert.Parameters.AddWithValue("$bucket", record.BucketName);
        insert.Parameters.AddWithValue("$time", record.TimeMilliseconds);
        insert.Parameters.AddWithValue("$size", record.TotalSize);
        insert.Parameters.AddWithValue("$count", record.ObjectCount);
        insert.Parameters.AddWithValue("$event", (object?)idempotencyKey ?? DBNull.Value);
        var inserted = await insert.ExecuteNonQueryAsync(cancellationToken) == 1;
        await transaction.CommitAsync(cancellationToken);
        return new AppendResult(inserted ? AppendOutcome.Appended : AppendOutcome.TimeTaken, record);
    }

    /// <inheritdoc />
    public async Task<SizeRecord?> GetLatestAsync(string bucketName, CancellationToken cancellationToken) =>
        await QuerySingleAsync(
            $"SELECT {Columns} FROM size_history WHERE bucket_name = $p0 ORDER BY time DESC LIMIT 1",
            [bucketName], cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<SizeRecord>> GetRangeAsync(
        string bucketName, DateTimeOffset earliest, DateTimeOffset latest, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        return await QueryAsync(connection,
            $"SELECT {Columns} FROM size_history WHERE bucket_name = $p0 AND time BETWEEN $p1 AND $p2 ORDER BY time",
            [bucketName, earliest.ToUnixTimeMilliseconds(), latest.ToUnixTimeMilliseconds()], cancellationToken);
    }

    /// <inheritdoc />
    public async Task<SizeRecord?> GetLargestAsync(string bucketName, CancellationToken cancellationToken) =>
        await QuerySingleAsync(
            $"SELECT {Columns} FROM size_history INDEXED BY {HistorySchema.SizeIndexName} WHERE bucket_name = $p0 ORDER BY total_size DESC LIMIT 1",
            [bucketName], cancellationToken);

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // The demo's change worker and its poller share the file; wait for a lock rather than fail.
        Execute(connection, "PRAGMA busy_timeout = 5000;");
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private async Task<SizeRecord?> QuerySingleAsync(string sql, object[] parameters, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        var records = await QueryAsync(connection, sql, parameters, cancellationToken);
        return records.Count == 0 ? null : records[0];
    }

    private static async Task<IReadOnlyList<SizeRecord>> QueryAsync(
        SqliteConnection connection, string sql, object[] parameters, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < parameters.Length; i++)
        {
            command.Parameters.AddWithValue($"$p{i}", parameters[i]);
        }

        var records = new List<SizeRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(new SizeRecord(
                reader.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                reader.GetInt64(2), reader.GetInt32(3)));
        }

        return records;
    }
}
