using Assignment3.Catalog;
using Assignment3.Infrastructure.Bundling;
using static Assignment3.Catalog.LambdaArchitecture;

namespace Assignment3.Infrastructure.Tests;

/// <summary>The plan, a pure function of the host's facts, across the machines people deploy from.</summary>
public sealed class BundlePlannerTests
{
    private static readonly LambdaArchitecture[] None = [];

    private static BuildHost Host(HostOperatingSystem os, LambdaArchitecture arch, string? glibc = null, LambdaArchitecture[]? toolchains = null, LambdaArchitecture? docker = null) =>
        new(os, arch, glibc is null ? null : Version.Parse(glibc), (toolchains ?? None).ToHashSet(), docker);

    public static TheoryData<string, BuildHost, LambdaArchitecture, FunctionRuntime, BuildPlace?> Hosts => new()
    {
        // Native AOT never crosses OS: macOS and Windows build in Docker for the engine's own processor, or go managed.
        { "macOS arm64, Docker", Host(HostOperatingSystem.MacOS, Arm64, docker: Arm64), Arm64, FunctionRuntime.NativeAot, BuildPlace.Container },
        { "macOS arm64, no Docker", Host(HostOperatingSystem.MacOS, Arm64), Arm64, FunctionRuntime.Managed, BuildPlace.Host },
        { "macOS x64, Docker, x86_64", Host(HostOperatingSystem.MacOS, X86_64, docker: X86_64), X86_64, FunctionRuntime.NativeAot, BuildPlace.Container },
        { "macOS x64, Docker, arm64", Host(HostOperatingSystem.MacOS, X86_64, docker: X86_64), Arm64, FunctionRuntime.Managed, BuildPlace.Host },
        // Windows: the CDK's zip loses bootstrap's execute bit there, so even Docker's build would not start on Lambda.
        { "Windows x64, Docker, x86_64", Host(HostOperatingSystem.Windows, X86_64, docker: X86_64), X86_64, FunctionRuntime.Managed, BuildPlace.Host },
        { "Windows x64, no Docker", Host(HostOperatingSystem.Windows, X86_64), X86_64, FunctionRuntime.Managed, BuildPlace.Host },
        // Linux links here when its glibc is old enough and the toolchain for the target is installed.
        { "Linux x64, glibc 2.34, toolchain", Host(HostOperatingSystem.Linux, X86_64, "2.34", [X86_64]), X86_64, FunctionRuntime.NativeAot, BuildPlace.Host },
        { "Linux x64, glibc 2.34, no toolchain, Docker", Host(HostOperatingSystem.Linux, X86_64, "2.34", docker: X86_64), X86_64, FunctionRuntime.NativeAot, BuildPlace.Container },
        { "Linux x64, glibc 2.34, no toolchain, no Docker", Host(HostOperatingSystem.Linux, X86_64, "2.34"), X86_64, FunctionRuntime.Managed, BuildPlace.Host },
        { "Linux x64, glibc 2.36, cross toolchain, arm64", Host(HostOperatingSystem.Linux, X86_64, "2.36", [X86_64, Arm64]), Arm64, FunctionRuntime.NativeAot, BuildPlace.Host },
        { "Linux x64, glibc 2.36, own toolchain only, arm64", Host(HostOperatingSystem.Linux, X86_64, "2.36", [X86_64]), Arm64, FunctionRuntime.Managed, BuildPlace.Host },
        { "Linux x64, glibc 2.39 (ubuntu-latest), toolchain, Docker", Host(HostOperatingSystem.Linux, X86_64, "2.39", [X86_64], X86_64), X86_64, FunctionRuntime.NativeAot, BuildPlace.Container },
        { "Linux x64, glibc 2.39, toolchain, no Docker", Host(HostOperatingSystem.Linux, X86_64, "2.39", [X86_64]), X86_64, FunctionRuntime.Managed, BuildPlace.Host },
        { "Linux x64, glibc 2.39, Docker, arm64", Host(HostOperatingSystem.Linux, X86_64, "2.39", [X86_64], X86_64), Arm64, FunctionRuntime.Managed, BuildPlace.Host },
        { "Linux arm64, glibc 2.34, toolchain", Host(HostOperatingSystem.Linux, Arm64, "2.34", [Arm64]), Arm64, FunctionRuntime.NativeAot, BuildPlace.Host },
        { "Linux arm64, glibc 2.39, Docker", Host(HostOperatingSystem.Linux, Arm64, "2.39", [Arm64], Arm64), Arm64, FunctionRuntime.NativeAot, BuildPlace.Container },
        { "Linux arm64, glibc 2.39, no Docker", Host(HostOperatingSystem.Linux, Arm64, "2.39", [Arm64]), Arm64, FunctionRuntime.Managed, BuildPlace.Host },
        { "Linux with musl, toolchain, no Docker", Host(HostOperatingSystem.Linux, X86_64, null, [X86_64]), X86_64, FunctionRuntime.Managed, BuildPlace.Host },
    };

    [Theory]
    [MemberData(nameof(Hosts))]
    public void Size_tracking_and_plotting_are_built_natively_where_the_host_or_its_docker_can_and_managed_otherwise(
        string row, BuildHost host, LambdaArchitecture target, FunctionRuntime runtime, BuildPlace? place)
    {
        foreach (var function in new[] { FunctionCatalog.SizeTracking, FunctionCatalog.Plotting })
        {
            var plan = BundlePlanner.Plan(function, host, new DeploymentSettings(RuntimeChoice.Auto, target));

            Assert.True((runtime, place, target) == (plan.Bundle.Runtime, plan.Place, plan.Bundle.Architecture), $"{row}: {plan.Line}");
            Assert.Contains(function.Name, plan.Line, StringComparison.Ordinal);
            if (runtime == FunctionRuntime.Managed)
            {
                // Going managed always says why and what would give the native bundle.
                Assert.Contains("no native build is possible here", plan.Reason, StringComparison.Ordinal);
                Assert.Contains("For a native bootstrap,", plan.Reason, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void A_cross_build_on_linux_points_the_ilcompiler_at_the_gnu_cross_toolchain_and_a_same_processor_build_needs_nothing()
    {
        var cross = BundlePlanner.Plan(FunctionCatalog.SizeTracking, Host(HostOperatingSystem.Linux, X86_64, "2.36", [X86_64, Arm64]), new DeploymentSettings(RuntimeChoice.Auto, Arm64));
        var own = BundlePlanner.Plan(FunctionCatalog.SizeTracking, Host(HostOperatingSystem.Linux, X86_64, "2.36", [X86_64, Arm64]), new DeploymentSettings(RuntimeChoice.Auto, X86_64));

        Assert.Equal(["-p:CppCompilerAndLinker=aarch64-linux-gnu-gcc", "-p:ObjCopyName=aarch64-linux-gnu-objcopy"], cross.HostPublishProperties);
        Assert.Contains("linux-arm64", cross.Bundle.PublishOptions);
        Assert.Empty(own.HostPublishProperties);
        Assert.Contains("linux-x64", own.Bundle.PublishOptions);
    }

    [Fact]
    public void The_driver_is_managed_on_every_host_and_managed_deploys_every_function_managed()
    {
        var linux = Host(HostOperatingSystem.Linux, X86_64, "2.34", [X86_64], X86_64);

        Assert.All(BundlePlanner.PlanAll(Host(HostOperatingSystem.MacOS, Arm64, docker: Arm64), new DeploymentSettings(RuntimeChoice.Native, Arm64))
            .Where(p => p.Bundle.Function == FunctionCatalog.Driver), p => Assert.Equal((FunctionRuntime.Managed, BuildPlace.Host), (p.Bundle.Runtime, p.Place)));
        Assert.All(BundlePlanner.PlanAll(linux, new DeploymentSettings(RuntimeChoice.Managed, X86_64)),
            p => Assert.Equal((FunctionRuntime.Managed, BuildPlace.Host, X86_64), (p.Bundle.Runtime, p.Place, p.Bundle.Architecture)));
    }

    [Theory]
    [InlineData(HostOperatingSystem.MacOS, "2.34", "install and start Docker Desktop")]
    [InlineData(HostOperatingSystem.Linux, "2.36", "scripts/install-native-toolchain.sh arm64")]
    [InlineData(HostOperatingSystem.Linux, "2.39", "install and start Docker")]
    public void Native_fails_before_anything_is_built_naming_what_to_install(HostOperatingSystem os, string glibc, string remedy)
    {
        var host = Host(os, X86_64, os == HostOperatingSystem.Linux ? glibc : null);

        var error = Assert.Throws<NativeBuildImpossibleException>(() => BundlePlanner.PlanAll(host, new DeploymentSettings(RuntimeChoice.Native, Arm64)));

        Assert.Contains("assignment3:runtime=native", error.Message, StringComparison.Ordinal);
        Assert.Contains(remedy, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_docker_for_the_other_processor_is_named_as_the_way_to_a_native_bundle_and_windows_is_pointed_at_wsl2()
    {
        var mac = BundlePlanner.Plan(FunctionCatalog.Plotting, Host(HostOperatingSystem.MacOS, X86_64, docker: X86_64), new DeploymentSettings(RuntimeChoice.Auto, Arm64));
        var windows = BundlePlanner.Plan(FunctionCatalog.Plotting, Host(HostOperatingSystem.Windows, X86_64, docker: X86_64), new DeploymentSettings(RuntimeChoice.Auto, X86_64));

        Assert.Contains("-c assignment3:architecture=x86_64", mac.Reason, StringComparison.Ordinal);
        Assert.Contains("deploy from WSL2", windows.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, RuntimeChoice.Auto, Arm64)]
    [InlineData("native", "x86_64", RuntimeChoice.Native, X86_64)]
    [InlineData("managed", "arm64", RuntimeChoice.Managed, Arm64)]
    public void The_context_settings_are_read_and_default_to_auto_on_arm64(string? runtime, string? architecture, RuntimeChoice choice, LambdaArchitecture expected) =>
        Assert.Equal(new DeploymentSettings(choice, expected), DeploymentSettings.From(runtime, architecture));

    [Theory]
    [InlineData("fast", null, "assignment3:runtime must be auto, native or managed")]
    [InlineData(null, "amd64", "assignment3:architecture must be x86_64 or arm64")]
    public void A_setting_outside_its_choices_is_refused_by_name(string? runtime, string? architecture, string message) =>
        Assert.StartsWith(message, Assert.Throws<ArgumentException>(() => DeploymentSettings.From(runtime, architecture)).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("glibc 2.36\n", "2.36")]
    [InlineData("glibc 2.39", "2.39")]
    [InlineData("", null)]
    [InlineData("musl 1.2.4", null)]
    public void The_hosts_glibc_is_read_from_getconf(string output, string? expected) =>
        Assert.Equal(expected is null ? null : Version.Parse(expected), BuildHostProbe.ParseGlibc(output));

    [Theory]
    [InlineData("linux/amd64\n", X86_64)]
    [InlineData("linux/arm64", Arm64)]
    [InlineData("windows/amd64", null)] // Docker Desktop in Windows-containers mode cannot run the Linux build image
    [InlineData("linux/s390x", null)]
    public void Dockers_engine_processor_is_read_from_docker_version(string output, LambdaArchitecture? expected) =>
        Assert.Equal(expected, BuildHostProbe.ParseDockerArchitecture(output));
}
