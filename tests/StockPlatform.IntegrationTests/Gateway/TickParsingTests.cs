using Microsoft.Extensions.Options;
using StockPlatform.Gateway.Apis;
using StockPlatform.Gateway.Extensions;
using StockPlatform.Gateway.Security;

namespace StockPlatform.IntegrationTests.Gateway;

/// <summary>The pure pieces behind the trades and quotes reads: row page tokens and nanosecond range bounds.</summary>
public sealed class TickParsingTests
{
    private static readonly PageTokens Tokens = new(Options.Create(new GatewayOptions()));

    [Theory]
    [InlineData(1_709_562_600_123_456_789L, "V", 52_983_525_029_461L)]
    [InlineData(0L, "", 0L)]
    [InlineData(-5L, "ÆØÅ€", long.MaxValue)]
    public void A_row_token_gives_back_its_position_for_its_own_scope_only(long nanoseconds, string key, long id)
    {
        var token = Tokens.IssueRow("scope-a", nanoseconds, key, id);

        Assert.True(Tokens.TryReadRow(token, "scope-a", out var at, out var readKey, out var readId));
        Assert.Equal((nanoseconds, key, id), (at, readKey, readId));
        Assert.False(Tokens.TryReadRow(token, "scope-b", out _, out _, out _));
        Assert.False(Tokens.TryReadRow(token[..^1] + (token[^1] == 'A' ? 'B' : 'A'), "scope-a", out _, out _, out _));
        // Another process without the same key refuses it, and the other kinds of token are not row tokens.
        Assert.False(new PageTokens(Options.Create(new GatewayOptions())).TryReadRow(token, "scope-a", out _, out _, out _));
        Assert.False(Tokens.TryReadRow(Tokens.IssueKeyset("scope-a", DateTimeOffset.UnixEpoch, id), "scope-a", out _, out _, out _));
        Assert.False(Tokens.TryReadRow(Tokens.Issue("scope-a", 0, DateTimeOffset.UnixEpoch), "scope-a", out _, out _, out _));
    }

    [Fact]
    public void A_row_key_longer_than_a_token_carries_is_refused_when_issued()
    {
        Tokens.IssueRow("s", 1, new string('x', PageTokens.MaxRowKeyBytes), 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => Tokens.IssueRow("s", 1, new string('x', PageTokens.MaxRowKeyBytes + 1), 1));
    }

    [Theory]
    [InlineData("2024-03-04T14:30:00.123456789Z", false, "2024-03-04T14:30:00.123456789Z")]
    [InlineData("2024-03-04T09:30:00.000000001-05:00", false, "2024-03-04T14:30:00.000000001Z")]
    [InlineData("2024-03-04T14:30:00Z", true, "2024-03-04T14:30:00.000000000Z")]
    [InlineData("2024-03-04T14:30Z", false, "2024-03-04T14:30:00.000000000Z")]
    [InlineData("2024-03-04", false, "2024-03-04T05:00:00.000000000Z")]
    [InlineData("2024-03-04", true, "2024-03-05T04:59:59.999999999Z")]
    [InlineData("2024-07-04", true, "2024-07-05T03:59:59.999999999Z")]
    [InlineData(" 2024-03-04T14:30:00.5Z ", true, "2024-03-04T14:30:00.500000000Z")]
    public void A_range_bound_is_read_to_the_nanosecond_and_a_date_covers_its_new_york_day(string text, bool isEnd, string expected)
    {
        var problems = new ApiProblems();

        var bound = RequestParsing.NanoInstant(text, "start", isEnd, problems);

        Assert.False(problems.Any);
        Assert.Equal(expected, bound?.ToString());
    }

    [Theory]
    [InlineData("9999-12-31T00:00:00Z")]
    [InlineData("2262-04-12T00:00:00Z")]
    [InlineData("1969-12-31T23:59:59.999999999Z")]
    [InlineData("2199-12-31T23:00:00-05:00")]
    [InlineData("2024-03-04T14:30:00.1234567891Z")]
    [InlineData("2024-03-04T24:30:00Z")]
    [InlineData("2024-03-04 14:30:00Z")]
    [InlineData("20240304T143000Z")]
    [InlineData("1709562600")]
    public void A_bound_out_of_range_or_not_rfc_3339_is_a_problem_never_an_overflow(string text)
    {
        var problems = new ApiProblems();

        Assert.Null(RequestParsing.NanoInstant(text, "end", isEnd: true, problems));
        Assert.True(problems.Any);
    }

    [Fact]
    public void No_bound_is_no_problem() => Assert.Null(RequestParsing.NanoInstant("  ", "start", false, new ApiProblems()));
}
