using System.Globalization;

namespace StockPlatform.Bench.Platform;

/// <summary>What a process holds, read from Linux /proc: resident and proportional memory, open descriptors, threads.</summary>
internal sealed record ProcessStats(int Pid, double RssMiB, double PssMiB, int Handles, int Threads)
{
    /// <summary>Samples <paramref name="pid"/>; null once it has exited (or on a system without /proc).</summary>
    public static ProcessStats? Read(int pid)
    {
        try
        {
            var rss = KiB(File.ReadLines($"/proc/{pid}/status"), "VmRSS:");
            var pss = KiB(File.ReadLines($"/proc/{pid}/smaps_rollup"), "Pss:");
            var handles = Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count();
            var threads = Directory.EnumerateDirectories($"/proc/{pid}/task").Count();
            return new ProcessStats(pid, rss / 1024.0, pss / 1024.0, handles, threads);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The sum over several processes (PostgreSQL's backends of one database), under the first one's id.</summary>
    public static ProcessStats? Sum(IEnumerable<int> pids)
    {
        var all = pids.Select(Read).OfType<ProcessStats>().ToList();
        return all.Count == 0 ? null
            : new ProcessStats(all[0].Pid, all.Sum(p => p.RssMiB), all.Sum(p => p.PssMiB), all.Sum(p => p.Handles), all.Sum(p => p.Threads));
    }

    /// <summary>Processes whose command line starts with <paramref name="prefix"/> (PostgreSQL names a backend by its user and database); reads only their command lines.</summary>
    public static int[] WithCommandPrefix(string prefix)
    {
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).StartsWith(prefix, StringComparison.Ordinal)) pids.Add(pid);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Exited while we looked.
            }
        }
        return [.. pids];
    }

    private static long KiB(IEnumerable<string> lines, string field)
    {
        var line = lines.FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
}
