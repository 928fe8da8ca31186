using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime;
using System.Runtime.Loader;

// Calls one published Lambda handler once, the way the managed dotnet runtime starts a function:
//   LAMBDA_TASK_ROOT=<bundle> dotnet exec --depsfile <bundle>/<Fn>.deps.json --runtimeconfig <bundle>/<Fn>.runtimeconfig.json \
//     Assignment3.ManagedRuntimeHost.dll <Assembly::Namespace.Type::Method> <event.json>
// The function's assemblies come from its deps.json (the default load context), the handler is found by its string,
// the class constructed (the runtime's init phase) and the method called with the event as a stream (the invoke).
// The function logs JSON lines to stdout; the response follows them as one line starting "@response ", then a line
// "@phases init_ms=… invoke_ms=… jit_methods=… jit_ms=…": the time spent in each phase inside this process, and how
// many methods the JIT compiled on the way and for how long (what ReadyToRun did not cover).
if (args is not [var handler, var eventPath])
{
    Console.Error.WriteLine("usage: Assignment3.ManagedRuntimeHost <Assembly::Namespace.Type::Method> <event.json>");
    return 2;
}

var taskRoot = Environment.GetEnvironmentVariable("LAMBDA_TASK_ROOT")
    ?? throw new InvalidOperationException("LAMBDA_TASK_ROOT must name the function's bundle, as in Lambda");
// Anything the deps.json does not list is looked for in the bundle, as the runtime does.
AssemblyLoadContext.Default.Resolving += (context, name) =>
    Path.Combine(taskRoot, name.Name + ".dll") is var path && File.Exists(path) ? context.LoadFromAssemblyPath(path) : null;

var initStarted = Stopwatch.GetTimestamp();
var parts = handler.Split("::");
if (parts.Length != 3)
{
    throw new ArgumentException($"handler '{handler}' is not Assembly::Namespace.Type::Method");
}

var type = Assembly.Load(new AssemblyName(parts[0])).GetType(parts[1], throwOnError: true)!;
var method = type.GetMethod(parts[2], BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
    ?? throw new MissingMethodException(parts[1], parts[2]);
var target = method.IsStatic ? null : Activator.CreateInstance(type);
var init = Stopwatch.GetElapsedTime(initStarted);

var invokeStarted = Stopwatch.GetTimestamp();
// As the runtime does: the invocation's headers where the function finds them, the request body in memory.
var console = new Assignment3.Cli.ManagedRuntimeConsole(Console.Out);
Console.SetOut(console);
using var invocation = console.BeginInvocation(DateTimeOffset.UtcNow.AddSeconds(30));
using var input = new MemoryStream(await File.ReadAllBytesAsync(eventPath));
var response = method.Invoke(target, [input]) switch
{
    Task<Stream> pending => await pending,
    Stream ready => ready,
    var other => throw new InvalidOperationException($"{handler} returned {other?.GetType().Name ?? "null"}, not a Stream"),
};
var body = await new StreamReader(response).ReadToEndAsync();
var invoke = Stopwatch.GetElapsedTime(invokeStarted);

var stdout = Console.OpenStandardOutput();
await stdout.WriteAsync(System.Text.Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
    $"@response {body.ReplaceLineEndings(" ")}\n@phases init_ms={init.TotalMilliseconds:F1} invoke_ms={invoke.TotalMilliseconds:F1} " +
    $"jit_methods={JitInfo.GetCompiledMethodCount()} jit_ms={JitInfo.GetCompilationTime().TotalMilliseconds:F1}\n")));
return 0;
