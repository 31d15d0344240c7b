using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace StockPlatform.Chaos.Run;

/// <summary>
/// What the run did and found, each line stamped with the time since the start and the wall
/// clock, as it happens: to the test's output, and to a file (<c>CHAOS_LOG</c>, or one in the
/// temporary folder) that <c>scripts/chaos.sh</c> follows live, since the test runner shows a
/// test's output only once it ends.
/// </summary>
internal sealed class ChaosJournal : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly StreamWriter _file;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _lock = new();

    public ChaosJournal(ITestOutputHelper output, string path)
    {
        _output = output;
        Path = path;
        _file = new StreamWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
    }

    /// <summary>The file the journal is written to.</summary>
    public string Path { get; }

    /// <summary>Time since the run began.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    public void Print(string message)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"[chaos +{_clock.Elapsed.TotalSeconds,6:0.0}s {DateTime.Now:HH:mm:ss}] {message}");
        lock (_lock)
        {
            _file.WriteLine(line);
            try
            {
                _output.WriteLine(line);
            }
            catch (InvalidOperationException)
            {
                // A background restart finishing after the test ended has no test output left.
            }
        }
    }

    public void Dispose() => _file.Dispose();
}
