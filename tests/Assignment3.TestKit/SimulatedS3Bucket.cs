using System.Globalization;
using Assignment3.Domain.Ports;
using Assignment3.Domain.UseCases;

namespace Assignment3.TestKit;

/// <summary>
/// One S3 bucket, versioned or not, as its events and its answers describe it: each change returns the change S3's
/// event would report (with a sequencer that grows per change, written in either case, as real ones are), listings
/// show current versions only (as ListObjectsV2), and head requests answer for the current version (404 for a delete
/// marker). Only one bucket: the others are empty.
/// </summary>
public sealed class SimulatedS3Bucket(string name, bool versioned, TimeProvider clock) : IBlobStore
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, List<Version>> _keys = new(KeyOrder.Instance);
    private long _sequencer = 0x00_5f3a_9c00_0000;
    private int _events;

    /// <summary>The bucket's name.</summary>
    public string Name => name;

    /// <summary>How many listing pages were asked for.</summary>
    public int ListCalls { get; private set; }

    /// <summary>How many head requests were made.</summary>
    public int HeadCalls { get; private set; }

    /// <summary>Writes a new current version of <paramref name="size"/> bytes.</summary>
    public ObjectChange Put(string key, long size)
    {
        lock (_gate)
        {
            var version = new Version(versioned ? $"v{_events}" : null, size, $"etag-{_events}", IsDeleteMarker: false);
            var versions = Versions(key);
            if (!versioned)
            {
                versions.Clear();
            }

            versions.Add(version);
            return Event(new ChangedObject(key, ObjectChangeKind.Created, size, version.ETag, version.Id, NextSequencer(), null));
        }
    }

    /// <summary>DeleteObject without a version: removes an unversioned key, or puts a delete marker on a versioned one. Null when S3 sends no event (an unversioned key that does not exist).</summary>
    public ObjectChange? Delete(string key)
    {
        lock (_gate)
        {
            if (!versioned)
            {
                return _keys.Remove(key)
                    ? Event(new ChangedObject(key, ObjectChangeKind.Deleted, null, null, null, NextSequencer(), DeletionKind.PermanentlyDeleted))
                    : null;
            }

            var marker = new Version($"m{_events}", 0, null, IsDeleteMarker: true);
            Versions(key).Add(marker);
            return Event(new ChangedObject(key, ObjectChangeKind.Deleted, null, null, marker.Id, NextSequencer(), DeletionKind.DeleteMarkerCreated));
        }
    }

    /// <summary>DeleteObject with a version id: that version (or delete marker) is gone for good; an older one may become current.</summary>
    public ObjectChange DeleteVersion(string key, string versionId)
    {
        lock (_gate)
        {
            var versions = Versions(key);
            versions.RemoveAll(v => v.Id == versionId);
            if (versions.Count == 0)
            {
                _keys.Remove(key);
            }

            return Event(new ChangedObject(key, ObjectChangeKind.Deleted, null, null, versionId, NextSequencer(), DeletionKind.PermanentlyDeleted));
        }
    }

    /// <summary>
    /// A change to one of <paramref name="keys"/> keys (<c>k/00</c>, <c>k/01</c>, …) drawn from <paramref name="random"/>:
    /// a write (4 in 6), a delete (1 in 6) or, where the key has versions, the removal of one of them (1 in 6, else a
    /// write). Null when S3 would send no event (a delete of an unversioned key that does not exist).
    /// </summary>
    public ObjectChange? RandomChange(Random random, int keys)
    {
        ArgumentNullException.ThrowIfNull(random);
        var key = string.Create(CultureInfo.InvariantCulture, $"k/{random.Next(0, keys):D2}");
        var versions = VersionIds(key);
        return random.Next(0, 6) switch
        {
            0 => Delete(key),
            1 when versions.Count > 0 => DeleteVersion(key, versions[random.Next(0, versions.Count)]),
            _ => Put(key, random.Next(0, 100)),
        };
    }

    /// <summary>The ids of the key's versions and delete markers, oldest first.</summary>
    public IReadOnlyList<string> VersionIds(string key)
    {
        lock (_gate)
        {
            return _keys.TryGetValue(key, out var versions) ? [.. versions.Select(v => v.Id!)] : [];
        }
    }

    /// <summary>What a listing of the bucket sums to.</summary>
    public (long Size, int Count) ListingTotals()
    {
        lock (_gate)
        {
            var current = _keys.Values.Select(v => v[^1]).Where(v => !v.IsDeleteMarker).ToList();
            return (current.Sum(v => v.Size), current.Count);
        }
    }

    /// <summary>Keys per listing page (S3's is 1,000).</summary>
    public int PageSize { get; init; } = 1000;

    /// <summary>
    /// Runs after each listing page is taken and before it is returned, with the page's number (1 for the first): what
    /// happens to the bucket and its tracker while a listing is under way.
    /// </summary>
    public Func<int, Task>? AfterEachPage { get; set; }

    /// <inheritdoc />
    /// <remarks>A page shows the keys as they are when it is taken: a listing is not a snapshot.</remarks>
    public async Task<BlobPage> ListAsync(string bucketName, string? continuationToken, string? startAfter, CancellationToken cancellationToken)
    {
        BlobPage page;
        int number;
        lock (_gate)
        {
            number = ++ListCalls;
            var after = continuationToken ?? startAfter;
            var keys = bucketName == name
                ? _keys.Where(k => !k.Value[^1].IsDeleteMarker && (after is null || KeyOrder.Instance.Compare(k.Key, after) > 0))
                    .Take(PageSize + 1).Select(k => new BlobInfo(k.Key, k.Value[^1].Size)).ToList()
                : [];
            var more = keys.Count > PageSize;
            page = new BlobPage([.. keys.Take(PageSize)], more ? keys[PageSize - 1].Key : null);
        }

        if (AfterEachPage is { } interleave)
        {
            await interleave(number);
        }

        return page;
    }

    /// <inheritdoc />
    public Task<BlobHead?> HeadAsync(string bucketName, string key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            HeadCalls++;
            return Task.FromResult(bucketName == name && _keys.TryGetValue(key, out var versions) && versions[^1] is { IsDeleteMarker: false } current
                ? new BlobHead(current.Size, current.ETag, current.Id)
                : null);
        }
    }

    /// <inheritdoc />
    public Task PutAsync(string bucketName, string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken) =>
        throw new NotSupportedException("change the simulated bucket through Put, Delete and DeleteVersion, which return its events");

    /// <inheritdoc />
    public Task DeleteAsync(string bucketName, IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
        throw new NotSupportedException("change the simulated bucket through Put, Delete and DeleteVersion, which return its events");

    private List<Version> Versions(string key)
    {
        if (!_keys.TryGetValue(key, out var versions))
        {
            versions = [];
            _keys[key] = versions;
        }

        return versions;
    }

    // Real sequencers come in either case; the tracker must compare them ignoring it.
    private string NextSequencer()
    {
        _sequencer += 0x1_0000 + (_events % 7);
        return _sequencer.ToString(_events % 2 == 0 ? "X16" : "x16", CultureInfo.InvariantCulture);
    }

    private ObjectChange Event(ChangedObject changed)
    {
        var n = _events++;
        return new ObjectChange($"message-{n}", name, $"event-{n}", clock.GetUtcNow(), changed);
    }

    private sealed record Version(string? Id, long Size, string? ETag, bool IsDeleteMarker);
}
