namespace Assignment3.TestKit;

/// <summary>Where things are, seen from a test's output folder.</summary>
public static class TestPaths
{
    /// <summary>The repository root: the folder above the test output that holds Assignment3.sln.</summary>
    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Assignment3.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Assignment3.sln not found above the test output");
    }
}
