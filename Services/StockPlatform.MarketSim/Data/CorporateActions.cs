using System.Text.Json.Serialization;
using StockPlatform.MarketData.Calendar;

namespace StockPlatform.MarketSim.Data;

/// <summary>A synthetic corporate action; its concrete record is what gets serialized.</summary>
internal abstract record CorporateAction
{
    /// <summary>The <c>types</c> filter value (<c>cash_dividend</c>).</summary>
    [JsonIgnore]
    public abstract string Type { get; }

    /// <summary>The group key in the response (<c>cash_dividends</c>).</summary>
    [JsonIgnore]
    public string Group => Type + "s";

    /// <summary>The date actions are filtered and ordered by.</summary>
    [JsonIgnore]
    public abstract DateOnly SortDate { get; }

    [JsonIgnore]
    public abstract string SortSymbol { get; }
}

/// <summary>An entry of <c>cash_dividends</c>, fields as in Alpaca's responses.</summary>
internal sealed record CashDividend(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("symbol")] string Symbol,
    [property: JsonPropertyName("cusip")] string Cusip,
    [property: JsonPropertyName("rate")] decimal Rate,
    [property: JsonPropertyName("special")] bool Special,
    [property: JsonPropertyName("foreign")] bool Foreign,
    [property: JsonPropertyName("ex_date")] DateOnly ExDate,
    [property: JsonPropertyName("record_date")] DateOnly RecordDate,
    [property: JsonPropertyName("payable_date")] DateOnly PayableDate,
    [property: JsonPropertyName("process_date")] DateOnly ProcessDate) : CorporateAction
{
    [JsonIgnore]
    public override string Type => "cash_dividend";

    [JsonIgnore]
    public override DateOnly SortDate => ExDate;

    [JsonIgnore]
    public override string SortSymbol => Symbol;
}

/// <summary>An entry of <c>forward_splits</c>, fields as in Alpaca's responses.</summary>
internal sealed record ForwardSplit(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("symbol")] string Symbol,
    [property: JsonPropertyName("cusip")] string Cusip,
    [property: JsonPropertyName("new_rate")] decimal NewRate,
    [property: JsonPropertyName("old_rate")] decimal OldRate,
    [property: JsonPropertyName("ex_date")] DateOnly ExDate,
    [property: JsonPropertyName("record_date")] DateOnly RecordDate,
    [property: JsonPropertyName("payable_date")] DateOnly PayableDate,
    [property: JsonPropertyName("process_date")] DateOnly ProcessDate,
    [property: JsonPropertyName("due_bill_redemption_date")] DateOnly DueBillRedemptionDate) : CorporateAction
{
    [JsonIgnore]
    public override string Type => "forward_split";

    [JsonIgnore]
    public override DateOnly SortDate => ExDate;

    [JsonIgnore]
    public override string SortSymbol => Symbol;
}

/// <summary>An entry of <c>reverse_splits</c>, fields as in Alpaca's responses (a reverse split gets a new CUSIP).</summary>
internal sealed record ReverseSplit(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("symbol")] string Symbol,
    [property: JsonPropertyName("old_cusip")] string OldCusip,
    [property: JsonPropertyName("new_cusip")] string NewCusip,
    [property: JsonPropertyName("new_rate")] decimal NewRate,
    [property: JsonPropertyName("old_rate")] decimal OldRate,
    [property: JsonPropertyName("process_date")] DateOnly ProcessDate,
    [property: JsonPropertyName("ex_date")] DateOnly ExDate,
    [property: JsonPropertyName("record_date")] DateOnly RecordDate,
    [property: JsonPropertyName("payable_date")] DateOnly PayableDate) : CorporateAction
{
    [JsonIgnore]
    public override string Type => "reverse_split";

    [JsonIgnore]
    public override DateOnly SortDate => ExDate;

    [JsonIgnore]
    public override string SortSymbol => Symbol;
}

/// <summary>A forward or reverse split as the price model sees it: <c>new_rate</c> shares for <c>old_rate</c> from <see cref="ExDate"/>.</summary>
internal readonly record struct SplitEvent(DateOnly ExDate, int NewRate, int OldRate)
{
    public bool IsReverse => NewRate < OldRate;
}

/// <summary>
/// Deterministic corporate actions: most symbols pay a quarterly cash dividend on a fixed
/// rhythm, now and then a symbol splits forward, and more rarely one splits in reverse. The raw
/// bars reflect the splits (prices jump by the ratio on the ex-date, see
/// <see cref="SymbolModel.RawPriceFactor"/>), and the bars endpoints adjust for splits and
/// dividends when asked (<see cref="BarAdjustment"/>). No two actions of a symbol share an
/// ex-date, so the order of adjustment factors is never ambiguous.
/// </summary>
internal sealed class CorporateActionsGenerator(int seed, Func<string, SymbolModel> models)
{
    /// <summary>Every <c>types</c> value Alpaca knows; only cash dividends and forward and reverse splits ever have entries here.</summary>
    public static readonly IReadOnlySet<string> KnownTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "cash_dividend", "forward_split", "reverse_split", "unit_split", "stock_dividend", "spin_off",
        "cash_merger", "stock_merger", "stock_and_cash_merger", "redemption", "name_change",
        "worthless_removal", "rights_distribution",
    };

    private static readonly DateOnly TPlusOneSince = new(2024, 5, 28);

    /// <summary>
    /// The splits of <paramref name="symbol"/> over the whole data span, in ex-date order: a
    /// pure function of (seed, symbol), so the price model can use it without the dividends
    /// (whose amounts depend on the prices).
    /// </summary>
    public static IReadOnlyList<SplitEvent> Splits(int seed, string symbol)
    {
        var symbolHash = SymbolHash(seed, symbol);
        var splits = new List<SplitEvent>();
        for (var year = NyseCalendar.FirstYear; year <= NyseCalendar.LastYear; year++)
        {
            var splitHash = StableHash.Combine(symbolHash, (ulong)year, 0x5917UL);
            if (StableHash.Unit(splitHash) < 0.05)
            {
                var ex = OnOrAfterTradingDay(new DateOnly(year, 1 + (int)(StableHash.Mix(splitHash) % 12), 5 + (int)(StableHash.Mix(splitHash + 1) % 20)));
                var ratio = new[] { 2, 2, 3, 4, 5, 10 }[StableHash.Mix(splitHash + 2) % 6];
                splits.Add(new SplitEvent(ex, ratio, 1));
                continue;
            }

            // Reverse splits are rarer, and never in a year with a forward split.
            var reverseHash = StableHash.Combine(symbolHash, (ulong)year, 0x8E5E5UL);
            if (StableHash.Unit(reverseHash) < 0.02)
            {
                var ex = OnOrAfterTradingDay(new DateOnly(year, 1 + (int)(StableHash.Mix(reverseHash) % 12), 3 + (int)(StableHash.Mix(reverseHash + 1) % 24)));
                var ratio = StableHash.Mix(reverseHash + 2) % 3 == 0 ? 10 : 5;
                splits.Add(new SplitEvent(ex, 1, ratio));
            }
        }
        return splits;
    }

    /// <summary>The actions of <paramref name="symbol"/> with an ex-date in [start, end], in date order.</summary>
    public IEnumerable<CorporateAction> For(string symbol, DateOnly start, DateOnly end)
    {
        var symbolHash = SymbolHash(seed, symbol);
        var cusip = Cusip(symbolHash);
        var paysDividends = StableHash.Unit(StableHash.Mix(symbolHash)) < 0.65;
        var phase = (int)(StableHash.Mix(symbolHash + 1) % 3);
        var dayOfMonth = 1 + (int)(StableHash.Mix(symbolHash + 2) % 20);
        var yield = 0.005 + (0.03 * StableHash.Unit(StableHash.Mix(symbolHash + 4)));

        var first = Math.Max(start.Year, NyseCalendar.FirstYear);
        var last = Math.Min(end.Year, NyseCalendar.LastYear);
        if (first > last) yield break;
        var model = models(symbol);
        var splits = model.Splits;
        for (var year = first; year <= last; year++)
        {
            var actions = new List<CorporateAction>();
            if (paysDividends)
            {
                for (var quarter = 0; quarter < 4; quarter++)
                {
                    var ex = OnOrAfterTradingDay(new DateOnly(year, 1 + (quarter * 3) + phase, dayOfMonth));
                    if (splits.Any(s => s.ExDate == ex)) ex = NextTradingDay(ex);
                    // A share of the raw price the day before, so the amount stays a sensible
                    // fraction of the close it is adjusted against, split or no split.
                    var price = model.AnchorPrice(PreviousTradingDay(ex)) * model.RawPriceFactor(PreviousTradingDay(ex));
                    var rate = Math.Max(0.0001m, Math.Round((decimal)(price * yield / 4), 4, MidpointRounding.AwayFromZero));
                    var record = ex >= TPlusOneSince ? ex : NextTradingDay(ex);
                    var payable = OnOrAfterTradingDay(ex.AddDays(14 + (int)(StableHash.Mix(symbolHash + (ulong)year) % 14)));
                    actions.Add(new CashDividend(Id(symbolHash, "cash_dividend", ex), symbol, cusip, rate, false, false, ex, record, payable, payable));
                }
            }

            foreach (var split in splits)
            {
                if (split.ExDate.Year != year) continue;
                var ex = split.ExDate;
                var payable = PreviousTradingDay(ex);
                actions.Add(split.IsReverse
                    ? new ReverseSplit(Id(symbolHash, "reverse_split", ex), symbol, cusip, Cusip(StableHash.Combine(symbolHash, (ulong)ex.DayNumber)),
                        split.NewRate, split.OldRate, ex, ex, PreviousTradingDay(ex.AddDays(-5)), payable)
                    : new ForwardSplit(Id(symbolHash, "forward_split", ex), symbol, cusip, split.NewRate, split.OldRate, ex,
                        PreviousTradingDay(ex.AddDays(-5)), payable, ex, NextTradingDay(ex)));
            }

            foreach (var action in actions.OrderBy(a => a.SortDate))
            {
                if (action.SortDate >= start && action.SortDate <= end) yield return action;
            }
        }
    }

    private static ulong SymbolHash(int seed, string symbol) => StableHash.Combine((ulong)seed, StableHash.Of(symbol), 0xC0A1UL);

    private static DateOnly OnOrAfterTradingDay(DateOnly date)
    {
        while (!NyseCalendar.IsTradingDay(date)) date = date.AddDays(1);
        return date;
    }

    private static DateOnly NextTradingDay(DateOnly date) => OnOrAfterTradingDay(date.AddDays(1));

    private static DateOnly PreviousTradingDay(DateOnly date)
    {
        do date = date.AddDays(-1);
        while (!NyseCalendar.IsTradingDay(date));
        return date;
    }

    private static string Id(ulong symbolHash, string type, DateOnly date)
    {
        var hash = StableHash.Combine(symbolHash, StableHash.Of(type), (ulong)date.DayNumber);
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, hash);
        BitConverter.TryWriteBytes(bytes[8..], StableHash.Mix(hash));
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4 layout, so it looks like the UUIDs Alpaca sends
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes).ToString("D");
    }

    // Eight characters and the CUSIP check digit (modulus 10, double-add-double).
    private static string Cusip(ulong hash)
    {
        const string Alphabet = "0123456789ABCDEFGHJKLMNPRSTUVWXY";
        Span<char> chars = stackalloc char[9];
        for (var i = 0; i < 8; i++)
        {
            hash = StableHash.Mix(hash);
            chars[i] = i < 6 || hash % 3 != 0 ? Alphabet[(int)(hash % 10)] : Alphabet[10 + (int)(hash % 22)];
        }
        var sum = 0;
        for (var i = 0; i < 8; i++)
        {
            var c = chars[i];
            var v = char.IsAsciiDigit(c) ? c - '0' : c - 'A' + 10;
            if (i % 2 == 1) v *= 2;
            sum += (v / 10) + (v % 10);
        }
        chars[8] = (char)('0' + ((10 - (sum % 10)) % 10));
        return new string(chars);
    }
}
