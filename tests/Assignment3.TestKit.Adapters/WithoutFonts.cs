using System.Diagnostics;

namespace Assignment3.TestKit.Adapters;

/// <summary>
/// Runs a command as on Lambda, where the machine has no fonts: in a mount namespace of its own whose
/// <c>/usr/share/fonts</c> is an empty tmpfs. Making the namespace needs root, or, as any user, unprivileged user
/// namespaces (most Linux distributions allow them); the command is checked once, and a test that needs it fails
/// saying so, not with a bare non-zero exit.
/// </summary>
public static class WithoutFonts
{
    private const string EmptyFonts = "mkdir -p /usr/share/fonts && mount -t tmpfs none /usr/share/fonts && ls -A /usr/share/fonts | wc -l >&2 && exec \"$0\" \"$@\"";

    private static readonly Lazy<IReadOnlyList<string>> Prefix = new(FindPrefix);

    /// <summary>
    /// <paramref name="command"/> behind the namespace; the command's standard error starts with a line holding the
    /// number of font files it can see (0). Throws, saying what is missing, where no namespace can be made.
    /// </summary>
    public static IReadOnlyList<string> Wrap(IEnumerable<string> command) => [.. Prefix.Value, "sh", "-c", EmptyFonts, .. command];

    private static IReadOnlyList<string> FindPrefix()
    {
        IReadOnlyList<string> asRoot = ["unshare", "--mount", "--propagation", "private"];
        IReadOnlyList<string> asUser = ["unshare", "--user", "--map-root-user", "--mount", "--propagation", "private"];
        var problems = new List<string>();
        foreach (var prefix in Environment.UserName == "root" ? [asRoot] : new[] { asUser, asRoot })
        {
            if (Try([.. prefix, "sh", "-c", "mount -t tmpfs none /mnt"]) is { } problem)
            {
                problems.Add($"{string.Join(' ', prefix)}: {problem}");
                continue;
            }

            return prefix;
        }

        throw new InvalidOperationException(
            "this test runs a program as on Lambda, with no fonts, in a mount namespace of its own, and none could be made " +
            "(it needs root, or unprivileged user namespaces: sysctl kernel.unprivileged_userns_clone=1, and on Ubuntu " +
            $"kernel.apparmor_restrict_unprivileged_userns=0): {string.Join("; ", problems)}");
    }

    private static string? Try(IReadOnlyList<string> command)
    {
        try
        {
            var start = new ProcessStartInfo(command[0]) { RedirectStandardError = true, RedirectStandardOutput = true };
            command.Skip(1).ToList().ForEach(start.ArgumentList.Add);
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? null : $"exit {process.ExitCode}: {error.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return $"{command[0]} is not installed ({ex.Message})";
        }
    }
}
