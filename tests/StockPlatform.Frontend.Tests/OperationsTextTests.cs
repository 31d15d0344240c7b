using System.Text.Json;
using MudBlazor;
using StockPlatform.Frontend.Display;
using StockPlatform.Frontend.Gateway;

namespace StockPlatform.Frontend.Tests;

public sealed class OperationsTextTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 6, 40, 0, TimeSpan.Zero);

    private static AgentInstance Instance(string agent = "ingestion", string instance = "host-1", string status = "ok", double age = 2.3) =>
        new(agent, instance, "0.1.0+abc1234", status, "working", false, null, null, null, null, Now.UtcDateTime, age);

    private static LogEntry Line(string level = "Warning", string agent = "ingestion", string? symbol = "SPY", string message = "Alpaca answered 429", int minute = 39) =>
        new(1, new DateTime(2026, 11, 30, 6, minute, 0, DateTimeKind.Utc), level, agent, "host-1", "StockPlatform.Ingestion.Backfill", symbol, "fetch",
            message, null, null, null, null);

    [Theory]
    [InlineData("ok", Color.Success, "agent-status-ok")]
    [InlineData("stalled", Color.Warning, "agent-status-stalled")]
    [InlineData("stopped", Color.Error, "agent-status-stopped")]
    [InlineData("Backing Off!", Color.Default, "agent-status-backingoff")]
    public void An_agent_status_has_a_colour_and_a_css_class(string status, Color color, string css)
    {
        Assert.Equal(color, AgentText.StatusColor(status));
        Assert.Equal(css, AgentText.StatusClass(status));
    }

    [Theory]
    [InlineData(0, "0 s ago")]
    [InlineData(2.9, "2 s ago")]
    [InlineData(59.99, "59 s ago")]
    [InlineData(65, "1 min 05 s ago")]
    [InlineData(3725, "1 h 02 min ago")]
    [InlineData(2 * 86400 + 4 * 3600 + 59, "2 d 4 h ago")]
    public void A_heartbeat_age_reads_in_whole_units(double seconds, string text) =>
        Assert.Equal(text, AgentText.AgeText(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void The_age_counts_on_from_the_gateways_age_at_the_fetch_not_from_this_hosts_clock()
    {
        var fetched = Now;

        Assert.Equal(TimeSpan.FromSeconds(2.3), AgentText.Age(Instance(age: 2.3), fetched, Now));
        Assert.Equal(TimeSpan.FromSeconds(12.3), AgentText.Age(Instance(age: 2.3), fetched, Now.AddSeconds(10)));
        // A clock that went back, or a negative age, counts as none.
        Assert.Equal(TimeSpan.Zero, AgentText.Age(Instance(age: -1), fetched, Now.AddSeconds(-5)));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData(0.42, 42.0)]
    [InlineData(1.7, 100.0)]
    [InlineData(-0.1, 0.0)]
    [InlineData(double.NaN, null)]
    public void Progress_is_a_percentage_clamped_to_a_bar(double? progress, double? percent) =>
        Assert.Equal(percent, AgentText.Percent(progress));

    [Fact]
    public void Counters_read_as_words_and_numbers()
    {
        Assert.Equal("bars inserted", AgentText.CounterName("bars_inserted"));
        Assert.Equal("1,234", AgentText.CounterValue(1234));
        Assert.Equal("0.25", AgentText.CounterValue(0.25));
    }

    [Fact]
    public void Agents_are_grouped_by_name_with_their_control_even_without_an_instance()
    {
        var list = new AgentList(5, [Instance("livestream", "b"), Instance("ingestion", "z"), Instance("ingestion", "a")],
            [new AgentControl("features", true, Now.UtcDateTime), new AgentControl("ingestion", false, Now.UtcDateTime)]);

        var groups = AgentText.Group(list);

        Assert.Equal(["features", "ingestion", "livestream"], groups.Select(g => g.Agent));
        Assert.True(groups[0].Paused);
        Assert.Empty(groups[0].Instances);
        Assert.False(groups[1].Paused);
        Assert.Equal(["a", "z"], groups[1].Instances.Select(i => i.Instance));
        Assert.Null(groups[2].Control);
    }

    [Fact]
    public void Alerts_are_ordered_active_newest_first_then_cleared_last_cleared_first_each_once()
    {
        var raised = Now.UtcDateTime;
        Alert Active(long id, int minutesAgo) => new(id, "agent-stalled", "ingestion", "host-1", null, "m", raised.AddMinutes(-minutesAgo), null);
        Alert Cleared(long id, int clearedMinutesAgo) => new(id, "agent-stopped", "features", "host-3", null, "m", raised.AddHours(-2), raised.AddMinutes(-clearedMinutesAgo));

        var ordered = AlertText.Ordered([Active(1, 30), Active(2, 5)], [Cleared(3, 50), Active(1, 30), Cleared(4, 10), Cleared(3, 50)]);

        Assert.Equal([2L, 1L, 4L, 3L], ordered.Select(a => a.Id));
    }

    [Theory]
    [InlineData("agent-stalled", "Agent stalled")]
    [InlineData("job-stalled", "Job stalled")]
    [InlineData("disk-full", "Disk full")]
    public void An_alert_kind_reads_as_words(string kind, string text) => Assert.Equal(text, AlertText.Kind(kind));

    [Theory]
    [InlineData("Trace", Color.Default, "log-level-trace")]
    [InlineData("Debug", Color.Default, "log-level-debug")]
    [InlineData("Information", Color.Info, "log-level-information")]
    [InlineData("info", Color.Info, "log-level-information")]
    [InlineData("Warning", Color.Warning, "log-level-warning")]
    [InlineData("Error", Color.Error, "log-level-error")]
    [InlineData("Critical", Color.Error, "log-level-critical")]
    [InlineData("Loud", Color.Default, "log-level-unknown")]
    public void A_log_level_has_a_colour_and_a_css_class(string level, Color color, string css)
    {
        Assert.Equal(color, LogText.LevelColor(level));
        Assert.Equal(css, LogText.LevelClass(level));
    }

    [Fact]
    public void An_empty_query_lets_every_line_through()
    {
        Assert.True(LogText.Matches(new LogQuery(), Line()));
        Assert.True(LogText.Matches(new LogQuery(Agent: "", Level: "", Symbol: " ", Text: ""), Line(level: "Trace", symbol: null)));
    }

    [Theory]
    [InlineData("Warning", true)]
    [InlineData("Error", true)]
    [InlineData("Critical", true)]
    [InlineData("Information", false)]
    [InlineData("Loud", false)]
    public void The_level_filter_is_a_minimum(string lineLevel, bool passes) =>
        Assert.Equal(passes, LogText.Matches(new LogQuery(Level: "warning"), Line(level: lineLevel)));

    [Fact]
    public void Agent_symbol_text_and_time_each_narrow_the_lines()
    {
        Assert.True(LogText.Matches(new LogQuery(Agent: "Ingestion"), Line()));
        Assert.False(LogText.Matches(new LogQuery(Agent: "livestream"), Line()));
        Assert.True(LogText.Matches(new LogQuery(Symbol: "spy"), Line()));
        Assert.False(LogText.Matches(new LogQuery(Symbol: "QQQ"), Line()));
        Assert.False(LogText.Matches(new LogQuery(Symbol: "SPY"), Line(symbol: null)));
        Assert.True(LogText.Matches(new LogQuery(Text: "answered 429"), Line()));
        Assert.True(LogText.Matches(new LogQuery(Text: "ALPACA"), Line()));
        Assert.False(LogText.Matches(new LogQuery(Text: "timeout"), Line()));
        Assert.True(LogText.Matches(new LogQuery(Since: Now.AddMinutes(-1)), Line(minute: 39)));
        Assert.False(LogText.Matches(new LogQuery(Since: Now.AddMinutes(-1)), Line(minute: 38)));
        Assert.False(LogText.Matches(new LogQuery(Until: Now.AddMinutes(-2)), Line(minute: 39)));
    }

    [Fact]
    public void The_query_string_names_only_the_filters_that_are_set()
    {
        Assert.Equal("/logs?limit=100", new LogQuery().PathAndQuery);
        Assert.Equal("/logs?agent=ingestion&level=Warning&symbol=SPY&since=2026-11-30T05%3A40%3A00Z&until=2026-11-30T06%3A40%3A00Z&q=rate%20limit%20%26%20retry&limit=50&page_token=abc%2B%2F%3D",
            new LogQuery("ingestion", "Warning", " spy ", "rate limit & retry", Now.AddHours(-1), Now.ToOffset(TimeSpan.FromHours(-5)), 50, "abc+/=").PathAndQuery);
    }

    [Fact]
    public void A_since_choice_starts_that_long_before_now()
    {
        Assert.Null(LogText.Since("any", Now));
        Assert.Null(LogText.Since("unknown", Now));
        Assert.Equal(Now.AddMinutes(-15), LogText.Since("15m", Now));
        Assert.Equal(Now.AddDays(-7), LogText.Since("7d", Now));
    }

    [Fact]
    public void Events_carry_alerts_and_log_lines_in_the_gateways_shapes()
    {
        using var alert = JsonDocument.Parse("""
            {"id":12,"kind":"agent-stalled","agent":"ingestion","instance":"host-1","job_id":null,"message":"no heartbeat for 16 s","raised_at":"2026-11-30T06:39:00Z","cleared_at":null}
            """);
        using var log = JsonDocument.Parse("""
            {"id":123,"timestamp":"2026-11-30T06:40:00.123456Z","level":"Warning","agent":"ingestion","instance":"host-1","category":"c","symbol":"SPY",
             "stage":"fetch","message":"m","trace_id":"t","span_id":"s","exception":null,"props":{"k":"v","n":2}}
            """);

        var raised = Alert.From(new GatewayEvent("alert.raised", alert.RootElement));
        var line = LogEntry.From(new GatewayEvent("log", log.RootElement));

        Assert.Equal(12, raised!.Id);
        Assert.True(raised.IsActive);
        Assert.Equal(new DateTime(2026, 11, 30, 6, 39, 0, DateTimeKind.Utc), raised.RaisedAt.ToUniversalTime());
        Assert.Null(Alert.From(new GatewayEvent("log", alert.RootElement)));
        Assert.Equal(123, line!.Id);
        Assert.Equal("v", LogText.Value(line.Props!["k"]));
        Assert.Equal("2", LogText.Value(line.Props["n"]));
        Assert.Equal("2026-11-30 06:40:00.123", LogText.Time(line.Timestamp));
        Assert.Null(LogEntry.From(new GatewayEvent("log", default)));
    }
}
