namespace StockPlatform.Bench.Support;

/// <summary>
/// Progress of a long run on the console: a bar redrawn in place on a terminal, a line every
/// few seconds when the output is redirected (CI logs).
/// </summary>
internal sealed class ConsoleProgress(string label)
{
    private static readonly TimeSpan LogEvery = TimeSpan.FromSeconds(5);
    private TimeSpan _lastLine = -LogEvery;

    public void Report(int done, int total, long bars, int tooMany, TimeSpan elapsed, bool finished)
    {
        var share = total == 0 ? 0 : done / (double)total;
        var filled = (int)(share * 30);
        var text = $"{label,-16} [{new string('#', filled)}{new string('.', 30 - filled)}] {share,4:P0} {done}/{total} sessions, {bars:N0} bars, {tooMany} x 429, {elapsed.TotalSeconds:0} s";
        if (!Console.IsOutputRedirected)
        {
            Console.Write("\r" + text);
            if (finished) Console.WriteLine();
        }
        else if (finished || elapsed - _lastLine >= LogEvery)
        {
            Console.WriteLine(text);
            _lastLine = elapsed;
        }
    }
}
