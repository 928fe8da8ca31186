using System.Text.Json;

namespace Assignment3.Benchmarks;

/// <summary>
/// The capacity units a DynamoDB request costs on demand, read from the request itself by DynamoDB's rules for the
/// items this project writes and reads, all well under 1 KB: a strongly consistent read of an item (or of a key that
/// has none) is 1 read unit, an eventually consistent one half; a Query that returns at most 4 KB (the tracker's queries
/// ask for one record) is 1 (or half); a write is 1 write unit per item, 2 inside a transaction (a transactional read
/// 2 read units). An estimate, since no emulator reports the units an account is billed; a request that returns more
/// than 4 KB or writes an item over 1 KB costs more.
/// </summary>
internal static class DynamoDbUnits
{
    public static (double Read, double Write) Of(ProxiedRequest request)
    {
        var operation = request.Target?[(request.Target.LastIndexOf('.') + 1)..];
        using var body = JsonDocument.Parse(request.Body.Length == 0 ? "{}" : request.Body);
        var root = body.RootElement;
        return operation switch
        {
            "GetItem" or "Query" => (Read(root), 0),
            "BatchGetItem" => (root.GetProperty("RequestItems").EnumerateObject()
                .Sum(table => table.Value.GetProperty("Keys").GetArrayLength() * Read(table.Value)), 0),
            "TransactGetItems" => (2 * root.GetProperty("TransactItems").GetArrayLength(), 0),
            "PutItem" or "UpdateItem" or "DeleteItem" => (0, 1),
            "BatchWriteItem" => (0, root.GetProperty("RequestItems").EnumerateObject().Sum(table => table.Value.GetArrayLength())),
            "TransactWriteItems" => (0, 2 * root.GetProperty("TransactItems").GetArrayLength()),
            _ => (0, 0),
        };
    }

    private static double Read(JsonElement request) =>
        request.TryGetProperty("ConsistentRead", out var consistent) && consistent.GetBoolean() ? 1 : 0.5;
}
