using Assignment3.Catalog;
using Assignment3.Domain;
using Assignment3.Domain.Ports;
using Microsoft.Data.Sqlite;

namespace Assignment3.Adapters.Local;

/// <summary>
/// The history in one SQLite file: the table mirrors DynamoDB's (bucket_name, time) key, an index named like the GSI
/// serves the maximum, and <c>size_summary</c> keeps each slot's summary at every resolution, written in the record's
/// transaction.
/// </summary>
public sealed class SqliteHistoryRepository : IHistoryRepository
{
    private const string Columns = "bucket_name, time, total_size, object_cnt";
    private readonly string _connectionString;

    /// <summary>Opens (and creates, if needed) the history at <paramref name="databasePath"/>.</summary>
    public SqliteHistoryRepository(string databasePath)
    {
        _connectionString = SqliteFiles.ConnectionString(databasePath);
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
            CREATE TABLE IF NOT EXISTS size_summary (
                bucket_name   TEXT NOT NULL,
                resolution_ms INTEGER NOT NULL,
                start         INTEGER NOT NULL,
                {SummaryColumnDefinitions},
                changes       INTEGER NOT NULL,
                PRIMARY KEY (bucket_name, resolution_ms, start)
            ) WITHOUT ROWID;
            """);
        SummarizeUnsummarizedHistory(connection);
    }

    /// <summary>
    /// Appends many records in one transaction, summaries included: for generating or importing a long history.
    /// Refuses the whole import, writing nothing, when any record's time is taken.
    /// </summary>
    public async Task ImportAsync(IEnumerable<SizeRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        await using var connection = Open();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var summaries = new SummaryWriter(connection);
        await using var insert = InsertCommand(connection);
        foreach (var record in records)
        {
            if (!await InsertAsync(insert, record, null, cancellationToken))
            {
                throw new InvalidOperationException($"bucket {record.BucketName} already has a record at {record.Time:O}; nothing was imported");
            }

            await summaries.FoldAsync(record, cancellationToken);
        }

        await summaries.FlushAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
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

        await using var insert = InsertCommand(connection);
        var inserted = await InsertAsync(insert, record, idempotencyKey, cancellationToken);
        if (inserted)
        {
            var summaries = new SummaryWriter(connection);
            await summaries.FoldAsync(record, cancellationToken);
            await summaries.FlushAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new AppendResult(inserted ? AppendOutcome.Appended : AppendOutcome.TimeTaken, record);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SizeRecord>> GetRecentAsync(string bucketName, TimeSpan window, int limit, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        var newestFirst = await QueryAsync(connection, $"""
            SELECT {Columns} FROM size_history
            WHERE bucket_name = $p0 AND time >= (SELECT max(time) FROM size_history WHERE bucket_name = $p0) - $p1
            ORDER BY time DESC LIMIT $p2
            """, [bucketName, (long)window.TotalMilliseconds, limit], cancellationToken);
        return [.. newestFirst.Reverse()];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SizeSummary>> GetSummariesAsync(
        string bucketName, TimeSpan resolution, DateTimeOffset earliest, DateTimeOffset latest, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {SummaryColumns}, changes FROM size_summary
            WHERE bucket_name = $bucket AND resolution_ms = $resolution AND start BETWEEN $from AND $to ORDER BY start
            """;
        command.Parameters.AddWithValue("$bucket", bucketName);
        command.Parameters.AddWithValue("$resolution", (long)resolution.TotalMilliseconds);
        command.Parameters.AddWithValue("$from", SizeSummary.SlotStart(earliest, resolution).ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$to", latest.ToUnixTimeMilliseconds());
        var summaries = new List<SizeSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            summaries.Add(ReadSummary(reader, bucketName, resolution));
        }

        return summaries;
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

    // Each summary keeps three records (smallest, largest, last) as time, size and count columns.
    private static readonly string SummaryColumns = string.Join(", ", HistorySchema.SummaryRoles.Select(r => $"{r}_time, {r}_size, {r}_cnt"));
    private static readonly string SummaryColumnDefinitions = string.Join(",\n", HistorySchema.SummaryRoles.Select(r => $"{r}_time INTEGER NOT NULL, {r}_size INTEGER NOT NULL, {r}_cnt INTEGER NOT NULL"));

    private static SizeSummary ReadSummary(SqliteDataReader reader, string bucketName, TimeSpan resolution)
    {
        SizeRecord RecordAt(int column) => new(bucketName,
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(column)), reader.GetInt64(column + 1), reader.GetInt32(column + 2));
        var last = RecordAt(6);
        return new SizeSummary(bucketName, resolution, SizeSummary.SlotStart(last.Time, resolution), RecordAt(0), RecordAt(3), last, reader.GetInt64(9));
    }

    private static SqliteCommand InsertCommand(SqliteConnection connection)
    {
        var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO size_history (bucket_name, time, total_size, object_cnt, event_id)
            VALUES ($bucket, $time, $size, $count, $event) ON CONFLICT DO NOTHING
            """;
        foreach (var name in new[] { "$bucket", "$time", "$size", "$count", "$event" })
        {
            insert.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return insert;
    }

    private static async Task<bool> InsertAsync(SqliteCommand insert, SizeRecord record, string? idempotencyKey, CancellationToken cancellationToken)
    {
        insert.Parameters["$bucket"].Value = record.BucketName;
        insert.Parameters["$time"].Value = record.TimeMilliseconds;
        insert.Parameters["$size"].Value = record.TotalSize;
        insert.Parameters["$count"].Value = record.ObjectCount;
        insert.Parameters["$event"].Value = (object?)idempotencyKey ?? DBNull.Value;
        return await insert.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    // A history written before summaries existed gets them once, when it is first opened.
    private static void SummarizeUnsummarizedHistory(SqliteConnection connection)
    {
        using var check = connection.CreateCommand();
        check.CommandText = "SELECT EXISTS (SELECT 1 FROM size_history) AND NOT EXISTS (SELECT 1 FROM size_summary)";
        if (Convert.ToInt64(check.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            return;
        }

        using var transaction = connection.BeginTransaction();
        var summaries = new SummaryWriter(connection);
        using var all = connection.CreateCommand();
        all.CommandText = $"SELECT {Columns} FROM size_history ORDER BY bucket_name, time";
        using (var reader = all.ExecuteReader())
        {
            while (reader.Read())
            {
                summaries.FoldAsync(ReadRecord(reader), default).GetAwaiter().GetResult();
            }
        }

        summaries.FlushAsync(default).GetAwaiter().GetResult();
        transaction.Commit();
    }

    /// <summary>
    /// Folds records into their slots' summaries inside the caller's transaction, keeping the slots it touched in
    /// memory so that many records of one slot cost one write, and the fold itself is the domain's.
    /// </summary>
    private sealed class SummaryWriter(SqliteConnection connection)
    {
        private readonly Dictionary<(string Bucket, TimeSpan Resolution, long Start), SizeSummary> _touched = [];

        public async Task FoldAsync(SizeRecord record, CancellationToken cancellationToken)
        {
            foreach (var resolution in SummaryResolutions.All)
            {
                var key = (record.BucketName, resolution, SizeSummary.SlotStart(record.Time, resolution).ToUnixTimeMilliseconds());
                if (!_touched.TryGetValue(key, out var summary))
                {
                    if (_touched.Count >= 10_000)
                    {
                        await FlushAsync(cancellationToken);
                    }

                    summary = await ReadAsync(key, cancellationToken);
                }

                _touched[key] = summary is null ? SizeSummary.Of(record, resolution) : summary.Add(record);
            }
        }

        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            await using var upsert = connection.CreateCommand();
            upsert.CommandText = $"""
                INSERT OR REPLACE INTO size_summary (bucket_name, resolution_ms, start, {SummaryColumns}, changes)
                VALUES ($bucket, $resolution, $start, {string.Join(", ", Enumerable.Range(0, 9).Select(i => $"$v{i}"))}, $changes)
                """;
            foreach (var summary in _touched.Values)
            {
                upsert.Parameters.Clear();
                upsert.Parameters.AddWithValue("$bucket", summary.BucketName);
                upsert.Parameters.AddWithValue("$resolution", (long)summary.Resolution.TotalMilliseconds);
                upsert.Parameters.AddWithValue("$start", summary.Start.ToUnixTimeMilliseconds());
                var values = new[] { summary.Smallest, summary.Largest, summary.Last }
                    .SelectMany(r => new object[] { r.TimeMilliseconds, r.TotalSize, r.ObjectCount }).ToArray();
                for (var i = 0; i < values.Length; i++)
                {
                    upsert.Parameters.AddWithValue($"$v{i}", values[i]);
                }

                upsert.Parameters.AddWithValue("$changes", summary.Changes);
                await upsert.ExecuteNonQueryAsync(cancellationToken);
            }

            _touched.Clear();
        }

        private async Task<SizeSummary?> ReadAsync((string Bucket, TimeSpan Resolution, long Start) key, CancellationToken cancellationToken)
        {
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT {SummaryColumns}, changes FROM size_summary WHERE bucket_name = $b AND resolution_ms = $r AND start = $s";
            select.Parameters.AddWithValue("$b", key.Bucket);
            select.Parameters.AddWithValue("$r", (long)key.Resolution.TotalMilliseconds);
            select.Parameters.AddWithValue("$s", key.Start);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? ReadSummary(reader, key.Bucket, key.Resolution) : null;
        }
    }

    private SqliteConnection Open() => SqliteFiles.Open(_connectionString);

    private static void Execute(SqliteConnection connection, string sql) => SqliteFiles.Execute(connection, sql);

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
            records.Add(ReadRecord(reader));
        }

        return records;
    }

    private static SizeRecord ReadRecord(SqliteDataReader reader) => new(
        reader.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), reader.GetInt64(2), reader.GetInt32(3));
}
