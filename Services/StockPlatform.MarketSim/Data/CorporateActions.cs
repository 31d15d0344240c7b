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

/// <summary>
/// Deterministic corporate actions: most symbols pay a quarterly cash dividend on a fixed
/// rhythm, and now and then a symbol splits forward. The bars do not reflect them (every
/// <c>adjustment</c> returns the same prices); they exist so clients can exercise the endpoint.
/// </summary>
internal sealed class CorporateActionsGenerator(int seed)
{
    /// <summary>Every <c>types</c> value Alpaca knows; only the first two ever have entries here.</summary>
    public static readonly IReadOnlySet<string> KnownTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "cash_dividend", "forward_split", "reverse_split", "unit_split", "stock_dividend", "spin_off",
        "cash_merger", "stock_merger", "stock_and_cash_merger", "redemption", "name_change",
        "worthless_removal", "rights_distribution",
    };

    private static readonly DateOnly TPlusOneSince = new(2024, 5, 28);

    /// <summary>The actions of <paramref name="symbol"/> with an ex-date in [start, end], in date order.</summary>
    public IEnumerable<CorporateAction> For(string symbol, DateOnly start, DateOnly end)
    {
        var symbolHash = StableHash.Combine((ulong)seed, StableHash.Of(symbol), 0xC0A1UL);
        var cusip = Cusip(symbolHash);
        var paysDividends = StableHash.Unit(StableHash.Mix(symbolHash)) < 0.65;
        var phase = (int)(StableHash.Mix(symbolHash + 1) % 3);
        var dayOfMonth = 1 + (int)(StableHash.Mix(symbolHash + 2) % 20);
        var price = 5 * Math.Pow(120, StableHash.Unit(StableHash.Mix(symbolHash + 3)));
        var yield = 0.005 + (0.03 * StableHash.Unit(StableHash.Mix(symbolHash + 4)));

        var first = Math.Max(start.Year, NyseCalendar.FirstYear);
        var last = Math.Min(end.Year, NyseCalendar.LastYear);
        for (var year = first; year <= last; year++)
        {
            var actions = new List<CorporateAction>();
            if (paysDividends)
            {
                for (var quarter = 0; quarter < 4; quarter++)
                {
                    var ex = OnOrAfterTradingDay(new DateOnly(year, 1 + (quarter * 3) + phase, dayOfMonth));
                    var growth = Math.Pow(1.04, year - NyseCalendar.FirstYear);
                    var rate = Math.Round((decimal)(price * yield / 4 * growth), 4);
                    var record = ex >= TPlusOneSince ? ex : NextTradingDay(ex);
                    var payable = OnOrAfterTradingDay(ex.AddDays(14 + (int)(StableHash.Mix(symbolHash + (ulong)year) % 14)));
                    actions.Add(new CashDividend(Id(symbolHash, "cash_dividend", ex), symbol, cusip, rate, false, false, ex, record, payable, payable));
                }
            }

            var splitHash = StableHash.Combine(symbolHash, (ulong)year, 0x5917UL);
            if (StableHash.Unit(splitHash) < 0.05)
            {
                var ex = OnOrAfterTradingDay(new DateOnly(year, 1 + (int)(StableHash.Mix(splitHash) % 12), 5 + (int)(StableHash.Mix(splitHash + 1) % 20)));
                var ratio = new[] { 2, 2, 3, 4, 5, 10 }[StableHash.Mix(splitHash + 2) % 6];
                var payable = PreviousTradingDay(ex);
                actions.Add(new ForwardSplit(Id(symbolHash, "forward_split", ex), symbol, cusip, ratio, 1, ex,
                    PreviousTradingDay(ex.AddDays(-5)), payable, ex, NextTradingDay(ex)));
            }

            foreach (var action in actions.OrderBy(a => a.SortDate))
            {
                if (action.SortDate >= start && action.SortDate <= end) yield return action;
            }
        }
    }

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
