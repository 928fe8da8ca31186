using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Amazon.CDK;
using Assignment3.Catalog;
using Assignment3.Infrastructure.Bundling;
using Environment = System.Environment;

namespace Assignment3.Infrastructure.Tests;

/// <summary>
/// Real synths, bundles built, on each path a plan can take: on this machine (cross-compiled for arm64), in a container
/// through the CDK's Docker bundling (against the stand-in Docker) and managed (the CLI, with no toolchain and no Docker).
/// Each checks that templates and assets agree: runtime, handler and processor against the files in the asset.
/// </summary>
public sealed class SynthesisTests
{
    private static readonly string Root = RepositoryRoot.Find(AppContext.BaseDirectory);

    /// <summary>The stand-in Docker, which the CDK reaches through CDK_DOCKER (set before jsii starts, see below).</summary>
    public static readonly string StandInDocker = Path.Combine(Root, "tests", "Assignment3.Infrastructure.Tests", "Stand-ins", "docker");

    /// <summary>
    /// The uid:gid the stand-in runs containers as. The CDK passes the synth user's own (501:20 on a Mac); synth runs as
    /// root here, which would hide what a non-root container user cannot do.
    /// </summary>
    public const string LaptopUser = "1000:1000";

    /// <summary>Every command line the stand-in received in this test process (jsii's Node process keeps the first environment).</summary>
    private static readonly string DockerLog = Path.Combine(Path.GetTempPath(), $"assignment3-docker-{Environment.ProcessId}.log");

    [Fact]
    public void On_this_machine_both_native_bundles_are_cross_compiled_for_arm64_and_the_templates_agree_with_the_assets()
    {
        var report = new StringWriter();
        var assembly = Synth(BuildHostProbe.Detect(), [], report);

        Assert.Contains("size-tracking: Native AOT bootstrap on provided.al2023 for linux-arm64, built on this machine", report.ToString(), StringComparison.Ordinal);
        var plotting = assembly.Function("plotting");
        Assert.Equal(("provided.al2023", "bootstrap", "arm64"), plotting.Deployed);
        Assert.Equal(ElfFile.MachineAArch64, ElfFile.Read(Path.Combine(plotting.Asset, "bootstrap")).Machine);
        Assert.Equal(ElfFile.MachineAArch64, ElfFile.Read(Path.Combine(plotting.Asset, "libSkiaSharp.so")).Machine);
        Assert.True(File.Exists(Path.Combine(plotting.Asset, "Fonts", "LiberationSans-Regular.ttf")));
        Assert.Empty(Directory.GetFiles(plotting.Asset, "*.dll")); // everything is compiled in
        Assert.Equal(ElfFile.MachineAArch64, ElfFile.Read(Path.Combine(assembly.Function("size-tracking").Asset, "bootstrap")).Machine);
        var driver = assembly.Function("driver");
        Assert.Equal(("dotnet10", FunctionCatalog.Driver.Handler, "arm64"), driver.Deployed);
        Assert.True(File.Exists(Path.Combine(driver.Asset, "Assignment3.Functions.Driver.dll")));
    }

    [Fact]
    public void Without_a_c_toolchain_the_native_bundles_are_built_in_the_sam_image_through_dockers_bundling_as_a_non_root_user()
    {
        var report = new StringWriter();
        var logged = File.Exists(DockerLog) ? File.ReadAllLines(DockerLog).Length : 0;
        Chown(Path.Combine(Root, FunctionAsset.ContainerPackageCache, "nuget-x86_64")); // made by the user who runs synth
        var assembly = Synth(BuildHostProbe.Detect(ToolchainlessPath()), new() { [DeploymentSettings.ArchitectureContext] = "x86_64" }, report);

        Assert.Contains("size-tracking: Native AOT bootstrap on provided.al2023 for linux-x64, built in Docker (public.ecr.aws/sam/build-dotnet10:latest-x86_64)", report.ToString(), StringComparison.Ordinal);
        var runs = File.ReadAllLines(DockerLog).Skip(logged).Where(l => l.StartsWith("run ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, runs.Count); // size tracking and plotting; the driver is published on the host
        Assert.All(runs, run => Assert.Contains("--platform linux/amd64 -u ", run, StringComparison.Ordinal));
        Assert.All(runs, run => Assert.Contains("--env NUGET_PACKAGES=/tmp/nuget-packages", run, StringComparison.Ordinal));
        foreach (var name in new[] { "size-tracking", "plotting" })
        {
            var function = assembly.Function(name);
            Assert.Equal(("provided.al2023", "bootstrap", "x86_64"), function.Deployed);
            Assert.Equal(ElfFile.MachineX86_64, ElfFile.Read(Path.Combine(function.Asset, "bootstrap")).Machine);
        }

        Assert.True(File.Exists(Path.Combine(assembly.Function("plotting").Asset, "Fonts", "LiberationSans-Regular.ttf")));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void The_stand_in_docker_refuses_what_docker_refuses_and_a_non_root_user_cannot_write_the_images_home()
    {
        const string Image = "public.ecr.aws/sam/build-dotnet10:latest-x86_64";
        using var input = new TempDirectory();
        File.SetUnixFileMode(input.Path, (UnixFileMode)0b111_101_101); // readable by the container's user, as a repository is

        Assert.Equal((125, "unknown flag: -e"), Docker("run", "--rm", "-e", "A=b", Image, "true"));
        Assert.Equal((125, "pull access denied for public.ecr.aws/sam/build-dotnet8"), Docker("run", "--rm", "-u", LaptopUser, "public.ecr.aws/sam/build-dotnet8:latest-x86_64", "true"));
        Assert.Equal((125, "does not match the specified platform (linux/arm64)"), Docker("run", "--rm", "--platform", "linux/arm64", "-u", LaptopUser, Image, "true"));
        Assert.Equal((1, "exec format error"), Docker("run", "--rm", "--platform", "linux/arm64", "-u", LaptopUser, "public.ecr.aws/sam/build-dotnet10:latest-arm64", "true"));
        Assert.Equal((1, "Permission denied"), Docker("run", "--rm", "-u", LaptopUser, "-v", $"{input.Path}:/asset-input:delegated", "-w", "/asset-input", Image,
            "bash", "-c", "mkdir \"$HOME/.nuget\""));
        Assert.Equal((0, ""), Docker("run", "--rm", "-u", LaptopUser, "-v", $"{input.Path}:/asset-input:delegated", "-w", "/asset-input", Image,
            "bash", "-c", "test \"$(id -u):$(id -g)\" = 1000:1000 && test \"$PWD\" = /asset-input && mkdir /tmp/dotnet"));

        // The exit code, and which of Docker's messages it printed.
        static (int, string) Docker(params string[] arguments)
        {
            var (code, _, error) = Run(StandInDocker, arguments, []);
            string[] messages = ["unknown flag: -e", "pull access denied for public.ecr.aws/sam/build-dotnet8", "does not match the specified platform (linux/arm64)", "exec format error", "Permission denied"];
            return (code, messages.FirstOrDefault(m => error.Contains(m, StringComparison.Ordinal)) ?? "");
        }
    }

    [Fact]
    public void Cdk_synth_without_a_c_toolchain_or_docker_deploys_managed_and_says_why_and_native_stops_naming_what_to_install()
    {
        using var output = new TempDirectory();
        var environment = new Dictionary<string, string?>
        {
            ["PATH"] = ToolchainlessPath(),
            ["CDK_DOCKER"] = StandInDocker,
            ["DOCKER_STAND_IN_ENGINE"] = "off",
        };
        var app = $"dotnet {Path.Combine(AppContext.BaseDirectory, "Assignment3.Infrastructure.dll")}";

        var (code, _, errors) = Run("npx", ["cdk", "synth", "--quiet", "--app", app, "--output", output["cdk.out"]], environment);

        Assert.True(code == 0, errors);
        Assert.Contains("assignment3: size-tracking: class library on dotnet10 for linux-arm64, built on this machine — no native build is possible here", errors, StringComparison.Ordinal);
        Assert.Contains("assignment3: plotting: class library on dotnet10", errors, StringComparison.Ordinal);
        var template = JsonNode.Parse(File.ReadAllText(output["cdk.out/Assignment3-Lambda.template.json"]))!;
        foreach (var function in FunctionCatalog.All)
        {
            var (deployed, asset) = CloudAssembly.FunctionOf(template, function.Name, output["cdk.out"]);
            Assert.Equal(("dotnet10", function.Handler, "arm64"), deployed);
            Assert.True(File.Exists(Path.Combine(asset, $"{function.AssemblyName}.dll")), $"{function.Name}: no assembly in {asset}");
            Assert.False(File.Exists(Path.Combine(asset, "bootstrap")));
        }

        var (nativeCode, _, nativeErrors) = Run("npx", ["cdk", "synth", "--quiet", "--app", app, "--output", output["native.out"], "-c", "assignment3:runtime=native"], environment);

        Assert.NotEqual(0, nativeCode);
        Assert.Contains("assignment3: error: assignment3:runtime=native, but size-tracking cannot be built as a Native AOT bootstrap for linux-arm64", nativeErrors, StringComparison.Ordinal);
        Assert.Contains("scripts/install-native-toolchain.sh arm64", nativeErrors, StringComparison.Ordinal);
        Assert.Contains("install and start Docker", nativeErrors, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output["native.out"]) && Directory.GetDirectories(output["native.out"], "asset.*").Length > 0, "native built something before it stopped");
        Assert.DoesNotContain("   at ", nativeErrors, StringComparison.Ordinal); // one clear line, no stack trace

        var (badCode, _, badErrors) = Run("npx", ["cdk", "synth", "--quiet", "--app", app, "--output", output["bad.out"], "-c", "assignment3:architecture=amd64"], environment);

        Assert.NotEqual(0, badCode);
        Assert.Contains("assignment3: error: assignment3:architecture must be x86_64 or arm64 (Lambda's names), not \"amd64\"", badErrors, StringComparison.Ordinal);
    }

    /// <summary>The CDK asks Docker through CDK_DOCKER, read by jsii's Node process, which starts with the first test.</summary>
    [ModuleInitializer]
    internal static void UseTheStandInDocker()
    {
        Environment.SetEnvironmentVariable("CDK_DOCKER", StandInDocker);
        Environment.SetEnvironmentVariable("DOCKER_STAND_IN_RUN_AS", LaptopUser);
        Environment.SetEnvironmentVariable("DOCKER_STAND_IN_LOG", DockerLog);
    }

    /// <summary>This process's PATH with every C compiler hidden: the same programs otherwise, through links.</summary>
    private static string ToolchainlessPath()
    {
        var directory = Path.Combine(Path.GetTempPath(), "assignment3-no-toolchain");
        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory);
            foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Where(Directory.Exists).Reverse())
            {
                foreach (var program in Directory.GetFiles(folder).Where(p => !IsCompiler(Path.GetFileName(p))))
                {
                    var link = Path.Combine(directory, Path.GetFileName(program));
                    File.Delete(link);
                    File.CreateSymbolicLink(link, program);
                }
            }
        }

        return directory;

        static bool IsCompiler(string name) =>
            System.Text.RegularExpressions.Regex.IsMatch(name, @"^((x86_64|aarch64)-linux-gnu-)?(gcc|g\+\+|cc|c\+\+|cpp|clang|clang\+\+)(-[0-9.]+)?$");
    }

    private static CloudAssembly Synth(BuildHost host, Dictionary<string, object> context, TextWriter report)
    {
        context["aws:cdk:enable-asset-metadata"] = true;
        var outdir = Path.Combine(Path.GetTempPath(), $"assignment3-synth-{Guid.NewGuid():N}");
        var app = new App(new AppProps { Outdir = outdir, Context = context });
        AssignmentApp.Build(app, Root, host, report);
        app.Synth();
        return new CloudAssembly(outdir);
    }

    private static void Chown(string directory)
    {
        Directory.CreateDirectory(directory);
        Run("chown", ["-R", LaptopUser, directory], []);
    }

    private static (int Code, string Output, string Errors) Run(string program, string[] arguments, Dictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Root };
        arguments.ToList().ForEach(start.ArgumentList.Add);
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result, errors);
    }

    private sealed record CloudAssembly(string Outdir)
    {
        public (string Asset, (string? Runtime, string? Handler, string? Architecture) Deployed) Function(string name)
        {
            var template = JsonNode.Parse(File.ReadAllText(Path.Combine(Outdir, "Assignment3-Lambda.template.json")))!;
            var (deployed, asset) = FunctionOf(template, name, Outdir);
            return (asset, deployed);
        }

        /// <summary>A function's runtime, handler and processor, and the asset folder its code metadata names.</summary>
        public static ((string?, string?, string?) Deployed, string Asset) FunctionOf(JsonNode template, string name, string outdir)
        {
            var resource = template["Resources"]!.AsObject().Select(r => r.Value!)
                .Single(r => (string?)r["Type"] == "AWS::Lambda::Function" && (string?)r["Properties"]!["FunctionName"] == $"assignment3-{name}");
            var properties = resource["Properties"]!;
            return (((string?)properties["Runtime"], (string?)properties["Handler"], (string?)properties["Architectures"]![0]),
                Path.Combine(outdir, (string)resource["Metadata"]!["aws:asset:path"]!));
        }
    }
}
