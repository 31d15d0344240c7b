using System.Globalization;

namespace StockPlatform.Bench.Platform;

/// <summary>
/// The processes under given roots (Linux /proc) and their proportional set size: shared pages
/// count once across the tree, so the sum is what the platform really costs in memory.
/// </summary>
internal static class ProcessTree
{
    public sealed record Member(int Pid, string Command, long PssKiB);

    public static IReadOnlyList<Member> Below(params int[] roots)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                // Field 4 of stat, after the parenthesised command (which may hold spaces).
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // Exited while we looked.
            }
        }

        var inTree = new HashSet<int>(roots.Where(parents.ContainsKey));
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var (pid, parent) in parents)
            {
                if (inTree.Contains(parent) && inTree.Add(pid)) grew = true;
            }
        }
        return [.. inTree.Select(Read).OfType<Member>()];
    }

    /// <summary>Processes whose command line contains the text.</summary>
    public static int[] WithArgument(string text) =>
    [
        .. Directory.EnumerateDirectories("/proc")
            .Select(dir => int.TryParse(Path.GetFileName(dir), out var pid) ? Read(pid) : null)
            .OfType<Member>()
            .Where(member => member.Command.Contains(text, StringComparison.Ordinal))
            .Select(member => member.Pid),
    ];

    private static Member? Read(int pid)
    {
        try
        {
            var command = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
            var pss = File.ReadLines($"/proc/{pid}/smaps_rollup").FirstOrDefault(line => line.StartsWith("Pss:", StringComparison.Ordinal));
            var kib = pss is null ? 0 : long.Parse(pss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            return new Member(pid, command, kib);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
