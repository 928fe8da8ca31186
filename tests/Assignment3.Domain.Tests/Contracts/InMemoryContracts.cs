using Assignment3.Adapters.InMemory;
using Assignment3.Domain.Ports;

namespace Assignment3.Domain.Tests.Contracts;

public sealed class InMemoryHistoryRepositoryContract : HistoryRepositoryContract
{
    protected override Task<IHistoryRepository> CreateRepositoryAsync() =>
        Task.FromResult<IHistoryRepository>(new InMemoryHistoryRepository());
}

public sealed class InMemoryBlobStoreContract : BlobStoreContract
{
    protected override Task<IBlobStore> CreateStoreAsync(int pageSize) => Task.FromResult<IBlobStore>(new InMemoryBlobStore(pageSize));

    protected override Task<string> CreateBucketAsync(IBlobStore store, string name) => Task.FromResult(name);
}

public sealed class InMemoryObjectStateStoreContract : ObjectStateStoreContract
{
    protected override Task<IObjectStateStore> CreateStoreAsync() => Task.FromResult<IObjectStateStore>(new InMemoryObjectStateStore());
}
