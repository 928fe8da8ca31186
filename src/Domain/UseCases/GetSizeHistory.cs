using Assignment3.Domain.Pipeline;
using Assignment3.Domain.Ports;
using MediatR;

namespace Assignment3.Domain.UseCases;

/// <summary>Read a bucket's size history, oldest first, between two moments (both included; all of it by default).</summary>
/// <param name="BucketName">The bucket whose history is read.</param>
/// <param name="From">The earliest record's time; the beginning when null.</param>
/// <param name="To">The latest record's time; the end when null.</param>
public sealed record GetSizeHistory(string BucketName, DateTimeOffset? From = null, DateTimeOffset? To = null) : IRequest<IReadOnlyList<SizeRecord>>;

/// <summary>Refuses a bad bucket name or a range that ends before it starts.</summary>
public sealed class GetSizeHistoryValidator : IRequestValidator<GetSizeHistory>
{
    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate(GetSizeHistory request)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var error in BucketNameRules.Validate(nameof(request.BucketName), request.BucketName))
        {
            yield return error;
        }

        if (request is { From: { } from, To: { } to } && to < from)
        {
            yield return new ValidationError(nameof(request.To), $"must not be before From ({from:O}), was {to:O}");
        }
    }
}

/// <summary>One range query on the history.</summary>
public sealed class GetSizeHistoryHandler(IHistoryRepository history) : IRequestHandler<GetSizeHistory, IReadOnlyList<SizeRecord>>
{
    /// <inheritdoc />
    public Task<IReadOnlyList<SizeRecord>> Handle(GetSizeHistory request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return history.GetRangeAsync(request.BucketName, request.From ?? DateTimeOffset.UnixEpoch, request.To ?? DateTimeOffset.MaxValue, cancellationToken);
    }
}
