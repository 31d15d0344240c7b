using System.Text.Json;
using Bunit;
using StockPlatform.Frontend.Components.Pages;
using StockPlatform.Frontend.Components.Shared;
using StockPlatform.Frontend.Display;
using StockPlatform.Frontend.Tests.Fakes;

namespace StockPlatform.Frontend.Tests;

public sealed class ArchivePageTests : PageTestContext
{
    private const string Partitions = """
        {"count":2,"rows":780,"bytes":1572864,"partitions":[
          {"dataset":"bars","symbol":"SPY","session":"2026-01-08","path":"parquet/bars/symbol=SPY/dt=2026-01-08/part-0.parquet","rows":390,
           "first":"2026-01-08T14:30:00Z","last":"2026-01-08T20:59:00Z","bytes":786432,"sha256":"5d41402abc4b2a76b9719d911017c592aaaa","written_at":"2026-01-09T01:00:00Z"},
          {"dataset":"bars","symbol":"QQQ","session":"2026-01-08","path":"parquet/bars/symbol=QQQ/dt=2026-01-08/part-0.parquet","rows":390,
           "first":"2026-01-08T14:30:00Z","last":"2026-01-08T20:59:00Z","bytes":786432,"sha256":"7e240de74fb1ed08fa08d38063f6a6a9bbbb","written_at":"2026-01-09T01:00:00Z"}]}
        """;

    private const string Result = """
        {"columns":[{"name":"symbol","type":"VARCHAR"},{"name":"dt","type":"DATE"},{"name":"minutes","type":"BIGINT"},{"name":"volume","type":"HUGEINT"}],
         "rows":[["SPY","2026-01-08",390,123456789],["QQQ","2026-01-08",389,null]],
         "row_count":2,"truncated":"max_rows: the first 1000 rows","elapsed_ms":3.4}
        """;

    public ArchivePageTests()
    {
        Gateway.On(HttpMethod.Get, "/archive/partitions", Partitions);
    }

    [Fact]
    public void The_partitions_are_listed_with_their_totals()
    {
        var page = RenderPage<ArchivePage>();

        var rows = page.WaitForElements(".partitions-table tbody tr");
        Assert.Equal(2, rows.Count);
        Assert.Equal("2 partition(s) · 780 rows · 1.5 MB", page.Find(".archive-totals").TextContent.Trim());
        Assert.Contains("SPY", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("09:30 – 15:59", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("768.0 KB", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("5d41402abc4b", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Equal("/archive/partitions?dataset=bars", Assert.Single(Gateway.Requests).PathAndQuery);
    }

    [Fact]
    public void A_symbol_lists_only_its_partitions_and_verify_colours_each_session_by_its_check()
    {
        Gateway.On(HttpMethod.Get, "/archive/verify", """
            {"symbol":"SPY","partitions":3,"ok":1,"archive_only":1,"problems":1,"consistent":false,"checks":[
              {"session":"2026-01-06","status":"archive-only","archived_rows":390,"hot_rows":0,"detail":null},
              {"session":"2026-01-07","status":"ok","archived_rows":390,"hot_rows":390,"detail":null},
              {"session":"2026-01-08","status":"differs","archived_rows":390,"hot_rows":389,"detail":"1 minute only in the archive: 15:59"}]}
            """);
        var page = RenderPage<ArchivePage>();
        page.WaitForElements(".partitions-table tbody tr");
        Assert.True(page.Find("button.archive-verify").HasAttribute("disabled"));

        page.Find(".archive-symbol input").Input("spy");
        page.Find("form.archive-filter").Submit();
        page.WaitForAssertion(() => Assert.Single(Gateway.To(HttpMethod.Get, "/archive/partitions?symbol=SPY&dataset=bars")));
        page.Find("button.archive-verify").Click();

        var chips = page.WaitForElements(".verify-check");
        Assert.Equal(["archive-only", "ok", "differs"], chips.Select(c => c.GetAttribute("data-status")));
        Assert.Contains("mud-chip-color-default", chips[0].ClassName, StringComparison.Ordinal);
        Assert.Contains("mud-chip-color-success", chips[1].ClassName, StringComparison.Ordinal);
        Assert.Contains("mud-chip-color-error", chips[2].ClassName, StringComparison.Ordinal);
        Assert.Contains("1 minute only in the archive: 15:59", page.Find(".verify-problem").TextContent, StringComparison.Ordinal);
        Assert.Equal("false", page.Find(".verify-result").GetAttribute("data-consistent"));
        Assert.Equal("/archive/verify?symbol=SPY", Assert.Single(Gateway.To(HttpMethod.Get, "/archive/verify")).PathAndQuery);
    }

    [Fact]
    public void Running_a_query_shows_its_columns_rows_and_the_truncation()
    {
        Gateway.On(HttpMethod.Post, "/archive/sql", Result);
        var page = RenderPage<ArchivePage>();

        page.Find(".sql-box textarea").Input("SELECT symbol, dt, count(*) AS minutes, sum(volume) AS volume FROM bars GROUP BY ALL");
        page.Find("button.sql-run").Click();

        var rows = page.WaitForElements(".sql-results tbody tr");
        Assert.Equal(["symbol", "dt", "minutes", "volume"], page.FindAll(".sql-results thead th").Select(th => th.TextContent.Trim()));
        Assert.Equal(["SPY", "2026-01-08", "390", "123456789"], rows[0].QuerySelectorAll("td").Select(td => td.TextContent.Trim()));
        Assert.Equal(["QQQ", "2026-01-08", "389", ""], rows[1].QuerySelectorAll("td").Select(td => td.TextContent.Trim()));
        Assert.Equal("2 row(s) in 3.4 ms", page.Find(".sql-summary").TextContent.Trim());
        Assert.Contains("max_rows: the first 1000 rows", page.Find(".sql-truncated").TextContent, StringComparison.Ordinal);

        var sent = Assert.Single(Gateway.To(HttpMethod.Post, "/archive/sql"));
        Assert.Equal(ApiKey, sent.ApiKey);
        using var body = JsonDocument.Parse(sent.Body!);
        Assert.StartsWith("SELECT symbol, dt", body.RootElement.GetProperty("sql").GetString(), StringComparison.Ordinal);
        Assert.Equal("json", body.RootElement.GetProperty("format").GetString());
        Assert.Equal(SqlConsole.ShownRows, body.RootElement.GetProperty("max_rows").GetInt32());
    }

    [Fact]
    public void Ctrl_enter_runs_an_example_query()
    {
        Gateway.On(HttpMethod.Post, "/archive/sql", Result);
        var page = RenderPage<ArchivePage>();

        page.FindAll(".sql-example")[0].Click();
        Assert.Equal(ArchiveText.ExampleQueries[0].Sql, page.Find(".sql-box textarea").GetAttribute("value") ?? page.Find(".sql-box textarea").TextContent);
        page.Find(".sql-box textarea").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter" });
        Assert.Empty(Gateway.To(HttpMethod.Post, "/archive/sql"));
        page.Find(".sql-box textarea").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter", CtrlKey = true });

        page.WaitForElements(".sql-results tbody tr");
        var sent = Assert.Single(Gateway.To(HttpMethod.Post, "/archive/sql"));
        using var body = JsonDocument.Parse(sent.Body!);
        Assert.Equal(ArchiveText.ExampleQueries[0].Sql, body.RootElement.GetProperty("sql").GetString());
    }

    [Fact]
    public void A_refused_query_shows_the_gateways_reason_under_the_box()
    {
        const string reason = "only one read-only query (SELECT, WITH, ...) is allowed; this is a DROP statement.";
        Gateway.Problem(HttpMethod.Post, "/archive/sql", "sql", reason);
        var page = RenderPage<ArchivePage>();

        page.Find(".sql-box textarea").Input("DROP VIEW bars");
        page.Find("button.sql-run").Click();

        page.WaitForAssertion(() => Assert.Equal(reason, page.Find(".sql-refusal").TextContent.Trim()));
        Assert.Empty(page.FindAll(".sql-results"));
    }

    [Fact]
    public void Download_fetches_csv_on_the_server_and_hands_the_browser_only_the_bytes()
    {
        Gateway.On(HttpMethod.Post, "/archive/sql", "symbol,minutes\nSPY,390\n", contentType: "text/csv");
        var download = JSInterop.SetupModule("./js/download.js");
        download.SetupVoid("saveFile", _ => true).SetVoidResult();
        var page = RenderPage<ArchivePage>();

        page.Find(".sql-box textarea").Input("SELECT symbol, count(*) AS minutes FROM bars GROUP BY ALL");
        page.Find("button.sql-csv").Click();

        page.WaitForAssertion(() => Assert.Single(download.Invocations["saveFile"]));
        var saved = download.Invocations["saveFile"][0];
        Assert.EndsWith(".csv", (string)saved.Arguments[0]!, StringComparison.Ordinal);
        Assert.Equal("text/csv", saved.Arguments[1]);
        var sent = Assert.Single(Gateway.To(HttpMethod.Post, "/archive/sql"));
        Assert.Equal(ApiKey, sent.ApiKey);
        Assert.Contains("\"format\":\"csv\"", sent.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKey, string.Join(" ", saved.Arguments), StringComparison.Ordinal);
    }
}
