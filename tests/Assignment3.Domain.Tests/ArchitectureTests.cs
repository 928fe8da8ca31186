using System.Xml.Linq;

namespace Assignment3.Domain.Tests;

public sealed class ArchitectureTests
{
    private static readonly string[] Forbidden = ["AWSSDK", "Amazon", "ScottPlot", "SkiaSharp", "Constructs", "Microsoft.Data.Sqlite"];

    [Fact]
    public void The_domain_assembly_references_no_aws_chart_storage_or_cdk_assembly()
    {
        var references = typeof(SizeRecord).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.Contains("MediatR", references);
        Assert.DoesNotContain(references, name => Forbidden.Any(f => name.StartsWith(f, StringComparison.OrdinalIgnoreCase)));
        Assert.DoesNotContain(references, name => name.StartsWith("Assignment3.", StringComparison.Ordinal));
    }

    [Fact]
    public void The_domain_project_references_only_mediatr_and_microsoft_extensions_abstractions()
    {
        var project = XDocument.Load(Path.Combine(TestPaths.RepositoryRoot(), "src", "Domain", "Assignment3.Domain.csproj"));

        var packages = project.Descendants("PackageReference").Select(p => (string)p.Attribute("Include")!).ToList();

        Assert.Empty(project.Descendants("ProjectReference"));
        Assert.All(packages, p => Assert.True(p == "MediatR" || (p.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal) && p.EndsWith(".Abstractions", StringComparison.Ordinal)), p));
    }

    [Fact]
    public void The_catalog_depends_on_nothing_and_the_cdk_app_on_the_catalog_alone()
    {
        static List<string> References(string project, string kind) =>
            [.. XDocument.Load(Path.Combine(TestPaths.RepositoryRoot(), project)).Descendants(kind).Select(p => Path.GetFileName((string)p.Attribute("Include")!))];

        Assert.Empty(References("src/Infrastructure/Catalog/Assignment3.Catalog.csproj", "ProjectReference"));
        Assert.Empty(References("src/Infrastructure/Catalog/Assignment3.Catalog.csproj", "PackageReference"));
        Assert.Equal(["Assignment3.Catalog.csproj"], References("src/Infrastructure/Cdk/Assignment3.Infrastructure.csproj", "ProjectReference"));
    }

    [Theory]
    [InlineData("src/Adapters/Aws/Assignment3.Adapters.Aws.csproj")]
    [InlineData("src/Adapters/Charting/Assignment3.Adapters.Charting.csproj")]
    [InlineData("src/Adapters/InMemory/Assignment3.Adapters.InMemory.csproj")]
    [InlineData("src/Adapters/Lambda/Assignment3.Adapters.Lambda.csproj")]
    [InlineData("src/Adapters/Local/Assignment3.Adapters.Local.csproj")]
    [InlineData("src/Adapters/PlotApi/Assignment3.Adapters.PlotApi.csproj")]
    public void An_adapter_references_the_domain_and_shared_names_never_another_adapter(string project)
    {
        var references = XDocument.Load(Path.Combine(TestPaths.RepositoryRoot(), project)).Descendants("ProjectReference")
            .Select(p => Path.GetFileName((string)p.Attribute("Include")!));

        Assert.All(references, r => Assert.Contains(r, new[] { "Assignment3.Domain.csproj", "Assignment3.Catalog.csproj" }));
    }

    [Fact]
    public void The_adapters_are_the_projects_the_layout_names()
    {
        // One project per folder under src/Adapters: the six adapters, the CLI, and one folder per function.
        var adapters = Directory.GetFiles(Path.Combine(TestPaths.RepositoryRoot(), "src", "Adapters"), "*.csproj", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(TestPaths.RepositoryRoot(), p).Replace('\\', '/')).Order(StringComparer.Ordinal);

        Assert.Equal(
            [
                "src/Adapters/Aws/Assignment3.Adapters.Aws.csproj",
                "src/Adapters/Charting/Assignment3.Adapters.Charting.csproj",
                "src/Adapters/Cli/Assignment3.Cli.csproj",
                "src/Adapters/Functions/Driver/Assignment3.Functions.Driver.csproj",
                "src/Adapters/Functions/Plotting/Assignment3.Functions.Plotting.csproj",
                "src/Adapters/Functions/SizeTracking/Assignment3.Functions.SizeTracking.csproj",
                "src/Adapters/InMemory/Assignment3.Adapters.InMemory.csproj",
                "src/Adapters/Lambda/Assignment3.Adapters.Lambda.csproj",
                "src/Adapters/Local/Assignment3.Adapters.Local.csproj",
                "src/Adapters/PlotApi/Assignment3.Adapters.PlotApi.csproj",
            ],
            adapters);
    }

    [Fact]
    public void No_composition_root_ships_the_in_memory_fakes()
    {
        // The CLI and every function build a running system; a fake in one would be a silent stand-in in production.
        var roots = Directory.GetFiles(Path.Combine(TestPaths.RepositoryRoot(), "src", "Adapters", "Functions"), "*.csproj", SearchOption.AllDirectories)
            .Append(Path.Combine(TestPaths.RepositoryRoot(), "src", "Adapters", "Cli", "Assignment3.Cli.csproj"))
            .Append(Path.Combine(TestPaths.RepositoryRoot(), "src", "Infrastructure", "Cdk", "Assignment3.Infrastructure.csproj"));

        Assert.All(roots, root => Assert.DoesNotContain("Assignment3.Adapters.InMemory.csproj", ProjectGraph.Closure(root).Projects.Select(Path.GetFileName)));
    }

    [Fact]
    public void The_in_memory_project_holds_fakes_of_the_storage_ports_only()
    {
        var files = Directory.GetFiles(Path.Combine(TestPaths.RepositoryRoot(), "src", "Adapters", "InMemory"), "*.cs").Select(Path.GetFileName).Order(StringComparer.Ordinal);

        Assert.Equal(["InMemoryBlobStore.cs", "InMemoryHistoryRepository.cs", "InMemoryObjectStateStore.cs"], files);
    }

    [Fact]
    public void The_domain_tests_build_neither_the_aws_sdk_nor_a_chart_library()
    {
        var closure = ProjectGraph.Closure(Path.Combine(TestPaths.RepositoryRoot(), "tests", "Assignment3.Domain.Tests", "Assignment3.Domain.Tests.csproj"));

        Assert.DoesNotContain(closure.Packages, p => p.StartsWith("AWSSDK", StringComparison.Ordinal) || p is "SkiaSharp" or "ScottPlot");
        Assert.DoesNotContain(closure.Projects.Select(Path.GetFileName), p => p is "Assignment3.Adapters.Aws.csproj" or "Assignment3.Adapters.Charting.csproj"
            or "Assignment3.Adapters.PlotApi.csproj" or "Assignment3.Adapters.Lambda.csproj");
    }

    [Fact]
    public void A_function_is_one_folder_with_one_project_and_a_native_entry_point_of_one_line()
    {
        var functions = Path.Combine(TestPaths.RepositoryRoot(), "src", "Adapters", "Functions");
        var settings = Directory.GetFiles(functions, "*.props").Concat(Directory.GetFiles(functions, "*.targets")).Select(File.ReadAllText);

        // Nothing is wired by the shape of a project's name.
        Assert.All(settings, text => Assert.DoesNotContain("MSBuildProjectName.EndsWith", text, StringComparison.Ordinal));
        foreach (var folder in Directory.GetDirectories(functions))
        {
            var project = Assert.Single(Directory.GetFiles(folder, "*.csproj"));
            var imports = XDocument.Load(project).Descendants("Import").Select(i => (string)i.Attribute("Project")!).ToList();
            var program = Path.Combine(folder, "Program.cs");
            if (imports.Contains("../NativeAot.props"))
            {
                // A native bundle's Main is the Runtime API loop over the function class, and nothing else.
                var statements = File.ReadAllLines(program).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("//", StringComparison.Ordinal)).ToList();
                var statement = Assert.Single(statements);
                Assert.Matches(@"^return await [\w.]*LambdaRuntimeLoop\.RunAsync<[\w.]+Function>\(\);$", statement);
            }
            else
            {
                Assert.False(File.Exists(program), $"{folder} has a Program.cs but does not import NativeAot.props");
            }
        }
    }

    [Fact]
    public void Ports_name_no_type_of_the_use_cases()
    {
        var ports = typeof(SizeRecord).Assembly.GetTypes().Where(t => t.Namespace == "Assignment3.Domain.Ports");
        var named = ports.SelectMany(t => t.GetMethods().SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType))
            .Concat(t.GetProperties().Select(p => p.PropertyType)));

        Assert.DoesNotContain(named.SelectMany(Unwrap), type => type.Namespace == "Assignment3.Domain.UseCases");

        static IEnumerable<Type> Unwrap(Type type) => type.IsGenericType ? type.GetGenericArguments().SelectMany(Unwrap).Prepend(type) : [type];
    }

    [Fact]
    public void No_test_project_references_another_test_project_only_the_test_kit()
    {
        var projects = Directory.GetFiles(Path.Combine(TestPaths.RepositoryRoot(), "tests"), "*.csproj", SearchOption.AllDirectories);

        foreach (var project in projects)
        {
            var references = XDocument.Load(project).Descendants("ProjectReference").Select(p => Path.GetFileName((string)p.Attribute("Include")!));
            Assert.All(references, r => Assert.False(r.StartsWith("Assignment3.", StringComparison.Ordinal) && r.Contains(".Tests", StringComparison.Ordinal)
                || r.Contains("Benchmarks", StringComparison.Ordinal), $"{Path.GetFileName(project)} references {r}"));
        }
    }

}

/// <summary>What a project builds: every project it references, directly or not, and every package those name.</summary>
internal static class ProjectGraph
{
    public static (IReadOnlyCollection<string> Projects, IReadOnlyCollection<string> Packages) Closure(string project)
    {
        var projects = new HashSet<string>(StringComparer.Ordinal);
        var packages = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.GetFullPath(project)]);
        while (pending.TryPop(out var next))
        {
            if (!projects.Add(next))
            {
                continue;
            }

            var document = XDocument.Load(next);
            packages.UnionWith(document.Descendants("PackageReference").Select(p => (string)p.Attribute("Include")!));
            foreach (var reference in document.Descendants("ProjectReference"))
            {
                foreach (var path in Expand(Path.GetDirectoryName(next)!, (string)reference.Attribute("Include")!))
                {
                    pending.Push(path);
                }
            }
        }

        return (projects, packages);
    }

    // A reference may be a wildcard (the CLI takes every function's project): each segment with a '*' is matched.
    private static IEnumerable<string> Expand(string directory, string include)
    {
        IEnumerable<string> paths = [directory];
        var segments = include.Replace('\\', '/').Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            var (segment, last) = (segments[i], i == segments.Length - 1);
            paths = !segment.Contains('*', StringComparison.Ordinal) ? paths.Select(p => Path.Combine(p, segment))
                : last ? paths.SelectMany(p => Directory.EnumerateFiles(p, segment))
                : paths.SelectMany(p => Directory.EnumerateDirectories(p, segment));
        }

        return paths.Select(Path.GetFullPath);
    }
}
