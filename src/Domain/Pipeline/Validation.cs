namespace Assignment3.Domain.Pipeline;

/// <summary>Checks one kind of request before its handler runs.</summary>
/// <typeparam name="TRequest">The request it checks.</typeparam>
public interface IRequestValidator<in TRequest>
{
    /// <summary>Every problem with <paramref name="request"/>; empty when it is valid.</summary>
    IEnumerable<ValidationError> Validate(TRequest request);
}

/// <summary>A field and what is wrong with it.</summary>
public sealed record ValidationError(string Field, string Problem)
{
    /// <inheritdoc />
    public override string ToString() => $"{Field}: {Problem}";
}

/// <summary>A request was refused before anything was read or written.</summary>
public sealed class RequestValidationException : Exception
{
    /// <summary>Creates the exception for <paramref name="requestName"/> and its problems.</summary>
    public RequestValidationException(string requestName, IReadOnlyList<ValidationError> errors)
        : base($"invalid {requestName}: {string.Join("; ", errors)}")
    {
        RequestName = requestName;
        Errors = errors;
    }

    /// <summary>The refused request's type name.</summary>
    public string RequestName { get; }

    /// <summary>What was wrong, field by field.</summary>
    public IReadOnlyList<ValidationError> Errors { get; }
}

/// <summary>S3's bucket naming rules, shared by every request that names a bucket.</summary>
public static class BucketNameRules
{
    /// <summary>The problem with <paramref name="name"/>, or null when S3 would accept it.</summary>
    public static string? Check(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "is required";
        }

        if (name.Length is < 3 or > 63)
        {
            return $"must be 3 to 63 characters long, was {name.Length}";
        }

        if (!name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '.'))
        {
            return $"'{name}' may hold only lowercase letters, digits, '-' and '.'";
        }

        if (!char.IsAsciiLetterOrDigit(name[0]) || !char.IsAsciiLetterOrDigit(name[^1]))
        {
            return $"'{name}' must start and end with a letter or digit";
        }

        return name.Contains("..", StringComparison.Ordinal) ? $"'{name}' must not contain '..'" : null;
    }

    /// <summary>The bucket name's problem as a validation error of <paramref name="field"/>, if it has one.</summary>
    public static IEnumerable<ValidationError> Validate(string field, string? name)
    {
        var problem = Check(name);
        return problem is null ? [] : [new ValidationError(field, problem)];
    }
}
