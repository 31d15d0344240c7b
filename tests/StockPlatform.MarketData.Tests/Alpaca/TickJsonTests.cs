using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using StockPlatform.MarketData.Alpaca.Wire;
using StockPlatform.MarketData.Domain;
using Xunit.Abstractions;

namespace StockPlatform.MarketData.Tests.Alpaca;

/// <summary>The trade and quote readers and the byte-level timestamp parser, without HTTP.</summary>
public class TickJsonTests(ITestOutputHelper output)
{
    private static NanoTime ParseBytes(string text) =>
        AlpacaTimestamp.TryParse(Encoding.UTF8.GetBytes(text), out var value) ? value : throw new FormatException(text);

    [Theory]
    [InlineData("2024-01-02T14:30:00.123456789Z")]
    [InlineData("2024-01-02T14:30:00Z")]
    [InlineData("2024-01-02T14:30:00.5Z")]
    [InlineData("2024-01-02T14:30:00.000000001Z")]
    [InlineData("2024-02-29T23:59:59.999999999Z")]
    [InlineData("2024-03-10T02:30:00.25-05:00")]
    [InlineData("2024-01-02T09:30:00.123456789+05:30")]
    [InlineData("1969-12-31T23:59:59.999999999Z")]
    public void The_byte_parser_agrees_with_nano_time_to_the_nanosecond(string text)
    {
        Assert.True(NanoTime.TryParse(text, out var expected));
        Assert.Equal(expected, ParseBytes(text));
    }

    [Theory]
    [InlineData("2024-01-02T14:30:00.1234567891Z")] // ten digits
    [InlineData("2024-01-02T14:30:00.Z")]
    [InlineData("2024-02-30T14:30:00Z")]
    [InlineData("2023-02-29T14:30:00Z")]
    [InlineData("2024-01-02T24:00:00Z")]
    [InlineData("2024-01-02T14:30:00")]
    [InlineData("2024-01-02 14:30:00Z")]
    [InlineData("2024-01-02T14:30:00+0500")]
    [InlineData("2024-01-02")]
    public void The_byte_parser_refuses_what_is_not_rfc3339(string text) =>
        Assert.False(AlpacaTimestamp.TryParse(Encoding.UTF8.GetBytes(text), out _));

    [Fact]
    public void Random_instants_survive_printing_and_parsing()
    {
        var random = new Random(18);
        for (var i = 0; i < 20_000; i++)
        {
            var time = new NanoTime(random.NextInt64(-2_000_000_000_000_000_000, 4_000_000_000_000_000_000));
            Assert.Equal(time, ParseBytes(time.ToString()));
        }
    }

    [Theory]
    [InlineData("2024-01-02T14:30:00.000000001Z", "2024-01-02T14:30:00.000000001Z")]
    [InlineData("2024-01-02T14:30:00.5Z", "2024-01-02T14:30:00.500000000Z")]
    [InlineData("2024-01-02T14:30:00Z", "2024-01-02T14:30:00Z")]
    public void Query_times_print_whole_seconds_plainly_and_fractions_with_nine_digits(string time, string printed) =>
        Assert.Equal(printed, AlpacaTimestamp.Format(NanoTime.Parse(time)));

    [Fact]
    public void A_trade_reads_integer_float_and_string_numbers_and_skips_fields_it_does_not_know()
    {
        var trade = AlpacaTickJson.ReadTrade("""
            {"T":"t","S":"SPY","extra":{"nested":[1,2,{"a":null}]},"t":"2024-01-02T14:30:00.123456789Z",
             "x":"IEX?","p":1.87e2,"s":100.0,"c":["@","T","I","Q"],"i":9007199254740993,"z":"C","u":"incorrect"}
            """u8);

        Assert.Equal(new Trade(NanoTime.Parse("2024-01-02T14:30:00.123456789Z"), 9007199254740993, "IEX?", 187m, 100, ["@", "T", "I", "Q"], "C"), trade);
    }

    [Fact]
    public void An_escaped_timestamp_takes_the_slow_path_and_still_keeps_its_nanoseconds()
    {
        var quote = AlpacaTickJson.ReadQuote("""{"t":"2024-01-02T14:30:00.12345678\u0039Z","bp":"187.14","ap":187.16}"""u8);

        Assert.Equal("2024-01-02T14:30:00.123456789Z", quote.Time.ToString());
        Assert.Equal(187.14m, quote.BidPrice);
        Assert.Equal(string.Empty, quote.BidExchange);
        Assert.Empty(quote.Conditions);
    }

    [Fact]
    public void Common_condition_lists_are_shared_and_cannot_be_changed_through_the_list()
    {
        var first = AlpacaTickJson.ReadQuote("""{"t":"2024-01-02T14:30:00Z","c":["R"]}"""u8);
        var second = AlpacaTickJson.ReadQuote("""{"t":"2024-01-02T14:30:01Z","c":["R"]}"""u8);

        Assert.Same(first.Conditions, second.Conditions);
        Assert.False(first.Conditions is string[]);
        Assert.True(((ICollection<string>)first.Conditions).IsReadOnly);
    }

    [Fact]
    public void A_page_of_either_shape_parses_through_the_serializer_options_the_client_uses()
    {
        var single = JsonSerializer.Deserialize<WireTradesPage>(
            """{"trades":[{"t":"2024-01-02T14:30:00Z","p":1,"s":1}],"symbol":"SPY","next_page_token":"abc","unknown":[{}]}""", AlpacaJson.Options)!;
        var multi = JsonSerializer.Deserialize<WireQuotesPage>(
            """{"next_page_token":null,"quotes":{"SPY":[{"t":"2024-01-02T14:30:00Z"}],"QQQ":null,"AAPL":[]}}""", AlpacaJson.Options)!;

        Assert.Equal(("SPY", "abc"), (single.Symbol, single.NextPageToken));
        Assert.Null(Assert.Single(single.Groups).Key);
        Assert.Null(multi.NextPageToken);
        Assert.Equal(["SPY", "AAPL"], multi.Groups.Select(g => g.Key));
    }

    /// <summary>
    /// Full 10,000-row pages through the same serializer path as the client (the HTTP transfer
    /// excluded) parse whole, and the rate is printed. No floor is asserted: a CI box running
    /// several suites at once measured a third of its idle rate; the figure's home is bench/.
    /// </summary>
    [Fact]
    public void Pages_of_ten_thousand_quotes_and_trades_parse_whole_and_report_their_rate()
    {
        var quotes = Encoding.UTF8.GetBytes(QuotesPage(10_000));
        var trades = Encoding.UTF8.GetBytes(TradesPage(10_000));
        Assert.Equal(10_000, JsonSerializer.Deserialize<WireQuotesPage>(quotes, AlpacaJson.Options)!.Groups.Sum(g => g.Value.Count));

        var quoteRate = Rate(() => JsonSerializer.Deserialize<WireQuotesPage>(quotes, AlpacaJson.Options)!.Groups[0].Value.Count);
        var tradeRate = Rate(() => JsonSerializer.Deserialize<WireTradesPage>(trades, AlpacaJson.Options)!.Groups[0].Value.Count);
        output.WriteLine(FormattableString.Invariant($"quotes: {quoteRate:N0} rows/s ({quotes.Length / 10_000} bytes a row); trades: {tradeRate:N0} rows/s ({trades.Length / 10_000} bytes a row)"));

        Assert.Equal(10_000, JsonSerializer.Deserialize<WireTradesPage>(trades, AlpacaJson.Options)!.Groups.Sum(g => g.Value.Count));
    }

    private static double Rate(Func<int> parsePage)
    {
        for (var i = 0; i < 3; i++) parsePage(); // warm-up (tiered JIT)
        var rows = 0L;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(1.5)) rows += parsePage();
        return rows / watch.Elapsed.TotalSeconds;
    }

    internal static string QuotesPage(int rows)
    {
        var random = new Random(7);
        var json = new StringBuilder("{\"quotes\":[");
        var time = NanoTime.Parse("2024-01-02T14:30:00Z").UnixNanoseconds;
        string[] exchanges = ["P", "Q", "N", "K", "V", "Z"];
        for (var i = 0; i < rows; i++)
        {
            time += random.Next(1, 5_000_000);
            var bid = 470m + (random.Next(0, 300) / 100m);
            if (i > 0) json.Append(',');
            json.Append(CultureInfo.InvariantCulture,
                $$"""{"t":"{{new NanoTime(time)}}","ax":"{{exchanges[random.Next(6)]}}","ap":{{bid + 0.01m}},"as":{{random.Next(1, 20)}},"bx":"{{exchanges[random.Next(6)]}}","bp":{{bid}},"bs":{{random.Next(1, 20)}},"c":["R"],"z":"B"}""");
        }
        return json.Append("],\"symbol\":\"SPY\",\"next_page_token\":\"U1BZfDIwMjQ=\"}").ToString();
    }

    internal static string TradesPage(int rows)
    {
        var random = new Random(8);
        var json = new StringBuilder("{\"trades\":[");
        var time = NanoTime.Parse("2024-01-02T14:30:00Z").UnixNanoseconds;
        string[][] conditions = [["@"], ["@", "I"], ["@", "F", "I"], [" ", "T"]];
        for (var i = 0; i < rows; i++)
        {
            time += random.Next(1, 5_000_000);
            if (i > 0) json.Append(',');
            var c = string.Join(',', conditions[random.Next(4)].Select(code => $"\"{code}\""));
            json.Append(CultureInfo.InvariantCulture,
                $$"""{"t":"{{new NanoTime(time)}}","x":"V","p":{{470m + (random.Next(0, 30000) / 10000m)}},"s":{{random.Next(1, 500)}},"c":[{{c}}],"i":{{52983525029461L + i}},"z":"B"}""");
        }
        return json.Append("],\"symbol\":\"SPY\",\"next_page_token\":null}").ToString();
    }
}
