using System.Reflection;
using System.Runtime.Loader;
using Assignment3.Adapters.Lambda;
using Assignment3.Catalog;

namespace Assignment3.Cli;

/// <summary>
/// Calls a built Lambda handler the way the managed runtime does: from its <c>Assembly::Type::Method</c> string, with
/// the function's own dependencies (its deps.json, native libraries included), a Stream in and a Stream out. The
/// function reads its settings and AWS endpoints from the environment, as in Lambda; its logs go to stderr and its
/// response to stdout. Each invocation gets a request id as on Lambda, which every line it logs carries; no runtime
/// sets a deadline here, so the function's timeout setting (<c>FUNCTION_TIMEOUT_SECONDS</c>) stands in for it.
/// </summary>
public static class FunctionInvoker
{
    /// <summary>Where the CLI's build puts the functions' builds, one folder each, named as the function's project folder.</summary>
    public static string DefaultFunctionsDirectory => Path.Combine(AppContext.BaseDirectory, "functions");

    /// <summary>Runs <c>invoke &lt;function&gt; &lt;event.json&gt;</c>; 0 when the handler returned, 1 when it failed.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> arguments, string functionsDirectory, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var function = FunctionCatalog.Find(arguments[0])
            ?? throw new UsageException($"unknown function '{arguments[0]}'; use one of {string.Join(", ", FunctionCatalog.All.Select(f => f.Name))}");
        var eventPath = arguments[1];
        if (!File.Exists(eventPath))
        {
            throw new UsageException($"event file '{eventPath}' not found");
        }

        await using var input = File.OpenRead(eventPath);
        var (response, failure) = await CallAsync(function, functionsDirectory, input, error);
        if (failure is not null)
        {
            await error.WriteLineAsync($"error: {function.Name} failed: {failure.GetType().Name}: {failure.Message}");
            return 1;
        }

        await output.WriteLineAsync(response);
        return 0;
    }

    /// <summary>
    /// Calls the build of <paramref name="function"/> under <paramref name="functionsDirectory"/> with <paramref name="input"/>,
    /// as the managed runtime would (its class constructed, then one invocation with a request id), its logs going to
    /// <paramref name="log"/>. Returns its response as text, or the exception it failed with. A function that is not
    /// built, or whose handler is not one the runtime could call, throws.
    /// </summary>
    public static async Task<(string? Response, Exception? Failure)> CallAsync(LambdaFunctionSpec function, string functionsDirectory, Stream input, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(function);
        var assemblyPath = BuiltAssembly(functionsDirectory, function);
        if (!File.Exists(assemblyPath))
        {
            throw new InvalidOperationException($"{function.Name} is not built: {assemblyPath} is missing (run `dotnet build`)");
        }

        var handle = Load(assemblyPath, function.Handler);
        var originalOut = Console.Out;
        Stream response;
        try
        {
            // The function logs to stdout as in Lambda; keep stdout for its response.
            var console = new ManagedRuntimeConsole(log);
            Console.SetOut(console);
            // Constructing the class is the runtime's init phase, before any invocation.
            var target = handle.IsStatic ? null : Activator.CreateInstance(handle.DeclaringType!);
            using var invocation = console.BeginInvocation();
            response = handle.Invoke(target, [input]) switch
            {
                Task<Stream> pending => await pending,
                Stream ready => ready,
                var other => throw new InvalidOperationException($"{function.Handler} returned {other?.GetType().Name ?? "null"}, not a Stream"),
            };
        }
        catch (Exception ex)
        {
            return (null, ex is TargetInvocationException { InnerException: { } inner } ? inner : ex);
        }
        finally
        {
            Console.SetOut(originalOut);
        }

        await using (response)
        {
            using var reader = new StreamReader(response);
            return (await reader.ReadToEndAsync(), null);
        }
    }

    /// <summary>Where the CLI's build put <paramref name="function"/>'s assembly under <paramref name="functionsDirectory"/>.</summary>
    public static string BuiltAssembly(string functionsDirectory, LambdaFunctionSpec function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return Path.Combine(functionsDirectory, Path.GetFileName(function.ProjectDirectory), function.AssemblyName + ".dll");
    }

    /// <summary>Finds the handler method named by <paramref name="handler"/> in an isolated load context.</summary>
    public static MethodInfo Load(string assemblyPath, string handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var parts = handler.Split("::");
        if (parts.Length != 3)
        {
            throw new ArgumentException($"handler '{handler}' is not Assembly::Namespace.Type::Method", nameof(handler));
        }

        var context = new FunctionLoadContext(assemblyPath);
        var assembly = context.LoadFromAssemblyName(new AssemblyName(parts[0]));
        var type = assembly.GetType(parts[1], throwOnError: false)
            ?? throw new InvalidOperationException($"type {parts[1]} not found in {parts[0]}");
        var candidates = type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static).Where(m => m.Name == parts[2]).ToList();
        if (candidates is not [var method])
        {
            throw new InvalidOperationException($"{parts[1]} must have exactly one public method {parts[2]}, has {candidates.Count}");
        }

        var parameters = method.GetParameters();
        if (parameters.Length != 1 || parameters[0].ParameterType != typeof(Stream)
            || (method.ReturnType != typeof(Stream) && method.ReturnType != typeof(Task<Stream>)))
        {
            throw new InvalidOperationException($"{handler} must take exactly a Stream and return Stream or Task<Stream>");
        }

        if (!method.IsStatic && type.GetConstructor(Type.EmptyTypes) is null)
        {
            throw new InvalidOperationException($"{parts[1]} needs a public parameterless constructor");
        }

        return method;
    }

    // Resolves the function's assemblies and native libraries from its own deps.json, apart from the CLI's.
    private sealed class FunctionLoadContext(string mainAssemblyPath) : AssemblyLoadContext($"function:{Path.GetFileName(mainAssemblyPath)}")
    {
        private readonly AssemblyDependencyResolver _resolver = new(mainAssemblyPath);

        protected override Assembly? Load(AssemblyName assemblyName) =>
            _resolver.ResolveAssemblyToPath(assemblyName) is { } path ? LoadFromAssemblyPath(path) : null;

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
            _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
    }
}
