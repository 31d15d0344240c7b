namespace StockPlatform.MarketSim.Streaming;

/// <summary>
/// One connection's subscriptions, immutable: a change builds a new instance that the
/// connection publishes, so the ticker reads a consistent set without locking.
/// </summary>
internal sealed class Subscriptions
{
    /// <summary>Channels a client may name in subscribe/unsubscribe; trades, quotes and the three bar channels carry data here.</summary>
    public static readonly string[] Channels = ["trades", "quotes", "bars", "updatedBars", "dailyBars", "statuses", "lulds", "imbalances"];

    public const string Wildcard = "*";

    private readonly Dictionary<string, string[]> _channels;

    private Subscriptions(Dictionary<string, string[]> channels) => _channels = channels;

    public static Subscriptions Empty { get; } = new(Channels.ToDictionary(c => c, _ => Array.Empty<string>(), StringComparer.Ordinal));

    /// <summary>The entries of a channel in the order they were added (<c>*</c> included).</summary>
    public IReadOnlyList<string> this[string channel] => _channels[channel];

    /// <summary>Distinct symbols over all channels, the wildcard not counted (the figure the symbol limit applies to).</summary>
    public int SymbolCount => _channels.Values.SelectMany(s => s).Where(s => s != Wildcard).Distinct(StringComparer.Ordinal).Count();

    /// <summary>The state after adding (<paramref name="subscribe"/>) or removing the requested entries.</summary>
    public Subscriptions Apply(bool subscribe, IReadOnlyDictionary<string, List<string>> request)
    {
        var next = new Dictionary<string, string[]>(_channels, StringComparer.Ordinal);
        foreach (var (channel, symbols) in request)
        {
            next[channel] = subscribe
                ? [.. _channels[channel].Concat(symbols).Distinct(StringComparer.Ordinal)]
                : [.. _channels[channel].Where(s => !symbols.Contains(s, StringComparer.Ordinal))];
        }
        return new Subscriptions(next);
    }

    /// <summary>
    /// The symbols a channel delivers: its own entries, plus <paramref name="universe"/> when it
    /// holds the wildcard.
    /// </summary>
    public IEnumerable<string> Resolve(string channel, IEnumerable<string> universe)
    {
        var entries = _channels[channel];
        if (entries.Length == 0) return [];
        return entries.Contains(Wildcard)
            ? entries.Where(s => s != Wildcard).Concat(universe).Distinct(StringComparer.Ordinal)
            : entries;
    }
}
