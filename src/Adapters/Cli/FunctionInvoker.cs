namespace Assignment3.Cli;

/// <summary>Calls a built Lambda handler the way the managed runtime does.</summary>
public static class FunctionInvoker
{
    /// <summary>Runs <c>invoke &lt;function&gt; &lt;event.json&gt;</c>.</summary>
    public static Task<int> RunAsync(IReadOnlyList<string> arguments, TextWriter output, TextWriter error, CancellationToken cancellationToken) =>
        throw new UsageException("invoke is not available yet");
}
