using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace StockPlatform.Bench.Support;

/// <summary>
/// A realistic mix of the gateway's reads from closed-loop clients: each client sends a request,
/// reads the whole answer, (optionally) pauses, and sends the next, the endpoint drawn by weight
/// from <see cref="Classes"/> and the symbol and day at random from the stored history. Every
/// request is kept as a <see cref="Sample"/> (when it started, how long until its last byte, how
/// it ended), so a caller can cut the samples by time (while a backfill ran, and after).
/// </summary>
internal sealed class ReadMix
{
    /// <summary>No complete answer within this long counts as a timeout (an error).</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The outcome of a request cancelled at <see cref="RequestTimeout"/>.</summary>
    public const int Timeout = -1;

    /// <summary>The outcome of a request that failed without an answer (connection refused or reset).</summary>
    public const int Failed = -2;

    private readonly HttpClient _http;
    private readonly IReadOnlyList<string> _symbols;
    private readonly IReadOnlyList<DateOnly> _days;
    private readonly (string Name, int Weight, Func<Random, string> Url)[] _classes;
    private readonly int _totalWeight;

    /// <summary>One request: its endpoint class, its start (<see cref="Stopwatch.GetTimestamp"/>), its latency to the last byte, its status (or <see cref="Timeout"/>, <see cref="Failed"/>).</summary>
    public readonly record struct Sample(string Class, long Started, double Milliseconds, int Status)
    {
        /// <summary>A 5xx, a timeout or no answer: what the load goals allow none of (a 4xx is the mix's own mistake, counted apart).</summary>
        public bool IsError => Status is Timeout or Failed or >= 500;
    }

    /// <param name="http">A client of the gateway (no timeout of its own: <see cref="RequestTimeout"/> applies per request).</param>
    /// <param name="symbols">The symbols with stored history.</param>
    /// <param name="days">Their stored trading days, oldest first.</param>
    /// <param name="features">Whether feature values are built (the feature agent runs), so <c>GET /features/{s}</c> joins the mix.</param>
    public ReadMix(HttpClient http, IReadOnlyList<string> symbols, IReadOnlyList<DateOnly> days, bool features)
    {
        _http = http;
        _symbols = symbols;
        _days = days;
        var last = days[^1];
        var yearStart = last.AddYears(-1).AddDays(1);
        // Weights as a dashboard and scripts read: mostly a day of minutes and the symbol pages, fewer long ranges and exports.
        List<(string, int, Func<Random, string>)> classes =
        [
            ("bars 1m day", 18, r => OneDay(r, "1m", "")),
            ("bars 5m month", 8, r => Month(r, "5m", csv: false)),
            ("bars 1d year", 8, r => $"/bars/{Symbol(r)}?interval=1d&start={yearStart:yyyy-MM-dd}&end={last:yyyy-MM-dd}"),
            ("bars 1m day csv", 5, r => OneDay(r, "1m", "&format=csv")),
            ("bars 5m month csv", 3, r => Month(r, "5m", csv: true)),
            ("bars 1d year csv", 3, r => $"/bars/{Symbol(r)}?interval=1d&start={yearStart:yyyy-MM-dd}&end={last:yyyy-MM-dd}&format=csv"),
            ("bars multi 15m day", 8, r => Several(r)),
            ("symbols", 4, _ => "/symbols"),
            ("symbol", 8, r => $"/symbols/{Symbol(r)}"),
            ("coverage", 8, r => $"/coverage/{Symbol(r)}"),
            ("jobs", 4, _ => "/jobs"),
        ];
        if (features) classes.Add(("features 1m latest", 8, r => $"/features/{Symbol(r)}?interval=1m&latest=true&limit=390"));
        _classes = [.. classes];
        _totalWeight = _classes.Sum(c => c.Weight);
    }

    /// <summary>The endpoint classes in the mix, in report order.</summary>
    public IEnumerable<string> Classes => _classes.Select(c => c.Name);

    /// <summary>Every request made so far.</summary>
    public ConcurrentQueue<Sample> Samples { get; } = new();

    /// <summary>
    /// Runs <paramref name="clients"/> clients until <paramref name="cancellationToken"/> fires,
    /// each pausing <paramref name="pause"/> between requests (none: a closed loop at full pace).
    /// </summary>
    public Task RunAsync(int clients, TimeSpan pause, int seed, CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, clients).Select(i => Task.Run(() => ClientAsync(new Random(seed + i), pause, cancellationToken), CancellationToken.None)));

    private async Task ClientAsync(Random random, TimeSpan pause, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var pick = random.Next(_totalWeight);
            var chosen = _classes[0];
            foreach (var candidate in _classes)
            {
                if (pick < candidate.Weight) { chosen = candidate; break; }
                pick -= candidate.Weight;
            }
            var url = chosen.Url(random);
            var started = Stopwatch.GetTimestamp();
            int status;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(RequestTimeout);
                try
                {
                    using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                    await using (var body = await response.Content.ReadAsStreamAsync(timeout.Token))
                        await body.CopyToAsync(Stream.Null, timeout.Token);
                    status = (int)response.StatusCode;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    // The run ended mid-request: not a sample.
                    return;
                }
                catch (OperationCanceledException)
                {
                    status = Timeout;
                }
                catch (HttpRequestException)
                {
                    status = Failed;
                }
                catch (IOException)
                {
                    status = Failed;
                }
            }
            Samples.Enqueue(new Sample(chosen.Name, started, Stopwatch.GetElapsedTime(started).TotalMilliseconds, status));
            if (pause > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(pause, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private string Symbol(Random random) => _symbols[random.Next(_symbols.Count)];

    private DateOnly Day(Random random) => _days[random.Next(_days.Count)];

    private string OneDay(Random random, string interval, string suffix)
    {
        var day = Day(random);
        return string.Create(CultureInfo.InvariantCulture, $"/bars/{Symbol(random)}?interval={interval}&start={day:yyyy-MM-dd}&end={day:yyyy-MM-dd}{suffix}");
    }

    // Five symbols' day at 15 minutes, as a watch list reads them.
    private string Several(Random random)
    {
        var day = Day(random);
        var symbols = string.Join(',', Enumerable.Range(0, 5).Select(_ => Symbol(random)).Distinct());
        return string.Create(CultureInfo.InvariantCulture, $"/bars?symbols={symbols}&interval=15m&start={day:yyyy-MM-dd}&end={day:yyyy-MM-dd}&limit=10000");
    }

    private string Month(Random random, string interval, bool csv)
    {
        var day = Day(random);
        var first = new DateOnly(day.Year, day.Month, 1);
        var url = string.Create(CultureInfo.InvariantCulture, $"/bars/{Symbol(random)}?interval={interval}&start={first:yyyy-MM-dd}&end={first.AddMonths(1).AddDays(-1):yyyy-MM-dd}");
        return csv ? url + "&format=csv" : url + "&limit=10000";
    }

    /// <summary>Per class (and "all"): requests, requests/s over <paramref name="seconds"/>, p50/p99 ms of the successful ones, errors, 4xx.</summary>
    public static List<ClassFigures> Summarize(IReadOnlyCollection<Sample> samples, IEnumerable<string> classes, double seconds)
    {
        var rows = new List<ClassFigures>();
        foreach (var name in classes.Append("all"))
        {
            var mine = name == "all" ? samples.ToList() : samples.Where(s => s.Class == name).ToList();
            var ok = mine.Where(s => s.Status is >= 200 and < 300).Select(s => s.Milliseconds).Order().ToList();
            rows.Add(new ClassFigures(name, mine.Count, mine.Count / seconds, Stats.Percentile(ok, 0.5), Stats.Percentile(ok, 0.99),
                mine.Count(s => s.IsError), mine.Count(s => s.Status is >= 400 and < 500)));
        }
        return rows;
    }

    /// <summary>One class's figures over a phase.</summary>
    public sealed record ClassFigures(string Class, int Requests, double PerSecond, double P50, double P99, int Errors, int ClientErrors);
}
