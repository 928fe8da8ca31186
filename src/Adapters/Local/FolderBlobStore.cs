using System.Security.Cryptography;
using Assignment3.Domain.Ports;

namespace Assignment3.Adapters.Local;

/// <summary>
/// Each bucket is a folder under <paramref name="root"/>, each object a file; a key's '/' separates folders.
/// Listing is in ordinal key order in pages, like S3.
/// </summary>
/// <param name="root">The folder that holds one folder per bucket.</param>
/// <param name="pageSize">Objects per listing page.</param>
public sealed class FolderBlobStore(string root, int pageSize = 1000) : IBlobStore
{
    /// <summary>The folder that holds one folder per bucket.</summary>
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>The file that holds an object.</summary>
    public string PathOf(string bucketName, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var segments = key.Split('/');
        if (key.Length == 0 || key.Contains('\\', StringComparison.Ordinal) || key.Contains('\0', StringComparison.Ordinal)
            || segments.Any(s => s is "" or "." or ".."))
        {
            throw new ArgumentException($"object key '{key}' cannot be stored as a file: use non-empty '/'-separated names without '.' or '..'", nameof(key));
        }

        return Path.Combine([BucketFolder(bucketName), .. segments]);
    }

    /// <inheritdoc />
    public Task<BlobPage> ListAsync(string bucketName, string? continuationToken, string? startAfter, CancellationToken cancellationToken)
    {
        var after = continuationToken ?? startAfter;
        var folder = BucketFolder(bucketName);
        if (!Directory.Exists(folder))
        {
            return Task.FromResult(new BlobPage([], null));
        }

        // The token is the last key of the previous page, so a listing stays correct while files change.
        var page = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(path => (Key: Path.GetRelativePath(folder, path).Replace(Path.DirectorySeparatorChar, '/'), Path: path))
            .Where(file => after is null || KeyOrder.Instance.Compare(file.Key, after) > 0)
            .OrderBy(file => file.Key, KeyOrder.Instance)
            .Take(pageSize + 1)
            .Select(file => new BlobInfo(file.Key, new FileInfo(file.Path).Length))
            .ToList();
        var hasMore = page.Count > pageSize;
        if (hasMore)
        {
            page.RemoveAt(pageSize);
        }

        return Task.FromResult(new BlobPage(page, hasMore ? page[^1].Key : null));
    }

    /// <inheritdoc />
    public async Task PutAsync(string bucketName, string key, ReadOnlyMemory<byte> content, string contentType,
        CancellationToken cancellationToken)
    {
        var path = PathOf(bucketName, key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // Write aside (outside every bucket, so no listing sees it), then rename: a reader never sees half an object.
        var staging = Directory.CreateDirectory(Path.Combine(Root, StagingFolder)).FullName;
        var temp = Path.Combine(staging, Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(temp, content, cancellationToken);
        File.Move(temp, path, overwrite: true);
    }

    /// <inheritdoc />
    public Task DeleteAsync(string bucketName, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var path in keys.Select(key => PathOf(bucketName, key)).ToList())
        {
            File.Delete(path);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<BlobHead?> HeadAsync(string bucketName, string key, CancellationToken cancellationToken)
    {
        var path = PathOf(bucketName, key);
        try
        {
            // Puts replace files by renaming, so an open handle reads one whole version.
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
#pragma warning disable CA5351 // S3's ETag of a single-part upload is defined as the MD5 of the content; no security rests on it.
            var etag = Convert.ToHexStringLower(await MD5.HashDataAsync(file, cancellationToken));
#pragma warning restore CA5351
            return new BlobHead(file.Length, etag, null);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    // Next to the buckets; no bucket can be named so, since bucket folders never start with '.'.
    private const string StagingFolder = ".staging";

    private string BucketFolder(string bucketName)
    {
        if (string.IsNullOrEmpty(bucketName) || bucketName.Contains('/', StringComparison.Ordinal)
            || bucketName.Contains('\\', StringComparison.Ordinal) || bucketName.StartsWith('.'))
        {
            throw new ArgumentException($"bucket name '{bucketName}' cannot be a folder name", nameof(bucketName));
        }

        return Path.Combine(Root, bucketName);
    }
}
