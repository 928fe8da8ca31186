using System.Security.Cryptography;
using System.Text;
using Assignment3.Domain.Ports;

namespace Assignment3.TestKit;

/// <summary>What every <see cref="IBlobStore"/> must do. An adapter is done when its subclass passes.</summary>
public abstract class BlobStoreContract
{
    /// <summary>A store whose listing pages hold <paramref name="pageSize"/> objects (or the backend's own size if it has a fixed one).</summary>
    protected abstract Task<IBlobStore> CreateStoreAsync(int pageSize);

    /// <summary>A bucket that exists and is empty.</summary>
    protected abstract Task<string> CreateBucketAsync(IBlobStore store, string name);

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task An_empty_bucket_lists_nothing_on_one_page()
    {
        var store = await CreateStoreAsync(1000);
        var bucket = await CreateBucketAsync(store, "empty");

        var page = await store.ListAsync(bucket, null, null, default);

        Assert.Empty(page.Objects);
        Assert.Null(page.ContinuationToken);
    }

    [Fact]
    public async Task Put_objects_are_listed_with_their_sizes_in_key_order()
    {
        var store = await CreateStoreAsync(1000);
        var bucket = await CreateBucketAsync(store, "listing");
        await store.PutAsync(bucket, "b.txt", Bytes("Empty Assignment 1"), "text/plain", default);
        await store.PutAsync(bucket, "a/nested.txt", Bytes("33"), "text/plain", default);

        var all = await store.ListAllAsync(bucket).ToListAsync();

        Assert.Equal([new BlobInfo("a/nested.txt", 2), new BlobInfo("b.txt", 18)], all);
    }

    [Fact]
    public async Task Putting_an_existing_key_replaces_it()
    {
        var store = await CreateStoreAsync(1000);
        var bucket = await CreateBucketAsync(store, "replace");
        await store.PutAsync(bucket, "assignment1.txt", Bytes("Empty Assignment 1"), "text/plain", default);
        await store.PutAsync(bucket, "assignment1.txt", Bytes("Empty Assignment 2222222222"), "text/plain", default);

        Assert.Equal([new BlobInfo("assignment1.txt", 27)], await store.ListAllAsync(bucket).ToListAsync());
    }

    [Fact]
    public async Task Deleting_removes_the_objects_and_ignores_missing_keys()
    {
        var store = await CreateStoreAsync(1000);
        var bucket = await CreateBucketAsync(store, "delete");
        await store.PutAsync(bucket, "keep.txt", Bytes("1"), "text/plain", default);
        await store.PutAsync(bucket, "drop.txt", Bytes("22"), "text/plain", default);

        await store.DeleteAsync(bucket, ["drop.txt", "never-existed.txt"], default);

        Assert.Equal([new BlobInfo("keep.txt", 1)], await store.ListAllAsync(bucket).ToListAsync());
    }

    [Fact]
    public async Task Listing_follows_continuation_tokens_across_pages_without_gaps_or_repeats()
    {
        var store = await CreateStoreAsync(pageSize: 3);
        var bucket = await CreateBucketAsync(store, "paging");
        var keys = Enumerable.Range(0, 10).Select(i => $"object-{i:D2}").ToList();
        foreach (var key in keys)
        {
            await store.PutAsync(bucket, key, Bytes(key), "text/plain", default);
        }

        var first = await store.ListAsync(bucket, null, null, default);
        var all = await store.ListAllAsync(bucket).ToListAsync();

        Assert.Equal(3, first.Objects.Count);
        Assert.NotNull(first.ContinuationToken);
        Assert.Equal(keys, all.Select(b => b.Key));
    }

    [Fact]
    public async Task Head_gives_the_current_versions_size_and_etag_and_null_for_a_key_without_one()
    {
        var store = await CreateStoreAsync(1000);
        var bucket = await CreateBucketAsync(store, "head");
        await store.PutAsync(bucket, "assignment1.txt", Bytes("Empty Assignment 1"), "text/plain", default);
        await store.PutAsync(bucket, "assignment1.txt", Bytes("Empty Assignment 2222222222"), "text/plain", default);
        await store.PutAsync(bucket, "gone.txt", Bytes("22"), "text/plain", default);
        await store.DeleteAsync(bucket, ["gone.txt"], default);

        var head = await store.HeadAsync(bucket, "assignment1.txt", default);

        // A single-part upload's ETag is the MD5 of its content, given without the quotes of S3's header.
#pragma warning disable CA5351
        var md5 = Convert.ToHexStringLower(MD5.HashData(Bytes("Empty Assignment 2222222222").Span));
#pragma warning restore CA5351
        Assert.Equal(new BlobHead(27, md5, null), head);
        Assert.Null(await store.HeadAsync(bucket, "gone.txt", default));
        Assert.Null(await store.HeadAsync(bucket, "never-existed.txt", default));
    }
}
