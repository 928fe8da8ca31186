using Assignment3.Adapters.Local;
using Assignment3.Domain.Ports;
using Microsoft.Data.Sqlite;

namespace Assignment3.Adapters.Tests;

public sealed class SqliteHistoryRepositoryContract : HistoryRepositoryContract, IDisposable
{
    private readonly TempDirectory _folder = new();

    protected override Task<IHistoryRepository> CreateRepositoryAsync() =>
        Task.FromResult<IHistoryRepository>(new SqliteHistoryRepository(_folder["history.db"]));

    [Fact]
    public void The_table_is_keyed_like_dynamodb_and_has_the_by_size_index()
    {
        _ = new SqliteHistoryRepository(_folder["history.db"]);
        using var connection = new SqliteConnection($"Data Source={_folder["history.db"]}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM pragma_index_list('size_history') WHERE origin = 'c'";

        Assert.Equal("GSI_SizeByBucket", command.ExecuteScalar());
    }

    /// <summary>A history written before summaries existed gets them when it is first opened, so long windows still draw it.</summary>
    [Fact]
    public async Task A_history_without_summaries_is_summarised_when_opened()
    {
        using (var connection = new SqliteConnection($"Data Source={_folder["old.db"]}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE size_history (bucket_name TEXT NOT NULL, time INTEGER NOT NULL, total_size INTEGER NOT NULL,
                    object_cnt INTEGER NOT NULL, event_id TEXT UNIQUE, PRIMARY KEY (bucket_name, time)) WITHOUT ROWID;
                INSERT INTO size_history VALUES ('old', 1000, 18, 1, NULL), ('old', 2000, 27, 1, NULL), ('old', 3000, 0, 0, NULL);
                """;
            command.ExecuteNonQuery();
        }

        var repository = new SqliteHistoryRepository(_folder["old.db"]);

        var start = DateTimeOffset.FromUnixTimeMilliseconds(0);
        foreach (var resolution in Domain.SummaryResolutions.All)
        {
            var summary = Assert.Single(await repository.GetSummariesAsync("old", resolution, start, start.AddSeconds(5), default));
            Assert.Equal((0L, 27L, 3000L, 3L), (summary.Smallest.TotalSize, summary.Largest.TotalSize, summary.Last.TimeMilliseconds, summary.Changes));
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }
}

public sealed class SqliteObjectStateStoreContract : ObjectStateStoreContract, IDisposable
{
    private readonly TempDirectory _folder = new();

    protected override Task<IObjectStateStore> CreateStoreAsync() =>
        Task.FromResult<IObjectStateStore>(new SqliteObjectStateStore(_folder["objects.db"]));

    [Fact]
    public async Task The_state_outlives_the_store_that_wrote_it()
    {
        await new SqliteObjectStateStore(_folder["objects.db"]).ApplyAsync("bucket", [new("a.txt", new ObjectState(ObjectStatus.Present, 2, null, null, "01"), 0, 5)],
            new BucketTotals(2, 1, 0), default);

        var reopened = new SqliteObjectStateStore(_folder["objects.db"]);

        Assert.Equal(new BucketTotals(2, 1, 0), await reopened.GetTotalsAsync("bucket", default));
        Assert.Equal(1, (await reopened.GetAsync("bucket", ["a.txt"], default))["a.txt"].Revision);
    }

    [Fact]
    public async Task A_store_written_before_reconciliation_existed_opens_and_its_states_count_as_written_long_ago()
    {
        using (var old = new SqliteConnection($"Data Source={_folder["old.db"]}"))
        {
            old.Open();
            using var create = old.CreateCommand();
            create.CommandText = """
                CREATE TABLE object_state (bucket_name TEXT NOT NULL, object_key TEXT NOT NULL, status TEXT NOT NULL, size INTEGER NOT NULL,
                    etag TEXT, version_id TEXT, sequencer TEXT, revision INTEGER NOT NULL, PRIMARY KEY (bucket_name, object_key)) WITHOUT ROWID;
                CREATE TABLE bucket_totals (bucket_name TEXT PRIMARY KEY, total_size INTEGER NOT NULL, object_cnt INTEGER NOT NULL,
                    unconfirmed_deletes INTEGER NOT NULL) WITHOUT ROWID;
                INSERT INTO object_state VALUES ('bucket', 'a.txt', 'Present', 2, NULL, NULL, '01', 3);
                INSERT INTO bucket_totals VALUES ('bucket', 2, 1, 0);
                """;
            create.ExecuteNonQuery();
        }

        var store = new SqliteObjectStateStore(_folder["old.db"]);

        Assert.Equal(new StoredObjectState(new ObjectState(ObjectStatus.Present, 2, null, null, "01"), 3, 0),
            (await store.GetRangeAsync("bucket", KeyRange.All, default))["a.txt"]);
        Assert.Null(await store.GetReconciliationAsync("bucket", default));
        Assert.Equal(new BucketTotals(2, 1, 0), await store.GetTotalsAsync("bucket", default));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }
}

public sealed class FolderBlobStoreContract : BlobStoreContract, IDisposable
{
    private readonly TempDirectory _folder = new();

    protected override Task<IBlobStore> CreateStoreAsync(int pageSize) =>
        Task.FromResult<IBlobStore>(new FolderBlobStore(_folder.Path, pageSize));

    protected override Task<string> CreateBucketAsync(IBlobStore store, string name) => Task.FromResult(name);

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("a/../../escape.txt")]
    [InlineData("a//b")]
    [InlineData("")]
    [InlineData("back\\slash")]
    public async Task Keys_that_would_leave_the_bucket_folder_are_refused_and_nothing_is_written(string key)
    {
        var store = new FolderBlobStore(_folder.Path);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync("bucket", key, new byte[1], "text/plain", default));

        Assert.Contains("cannot be stored as a file", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(_folder.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Any_valid_key_is_listed_after_it_is_put_even_one_that_looks_like_a_temporary_file()
    {
        var store = new FolderBlobStore(_folder.Path);

        await store.PutAsync("bucket", ".tmp-report.txt", new byte[3], "text/plain", default);

        Assert.Equal([new BlobInfo(".tmp-report.txt", 3)], await store.ListAllAsync("bucket").ToListAsync());
    }

    [Fact]
    public async Task A_bucket_name_that_could_clash_with_the_staging_folder_is_refused()
    {
        var store = new FolderBlobStore(_folder.Path);

        await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync(".staging", "a.txt", new byte[1], "text/plain", default));
    }

    public void Dispose() => _folder.Dispose();
}
