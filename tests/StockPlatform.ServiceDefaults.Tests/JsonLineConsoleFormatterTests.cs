using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StockPlatform.ServiceDefaults.Agents;
using StockPlatform.ServiceDefaults.Logging;

namespace StockPlatform.ServiceDefaults.Tests;

public class JsonLineConsoleFormatterTests
{
    private static string Format(LogLevel level, string template, object?[] args, Exception? exception = null, params object[] scopes) =>
        FormatWith(new JsonLineConsoleFormatter(), level, template, args, exception, scopes);

    private static string FormatWith(JsonLineConsoleFormatter formatter, LogLevel level, string template, object?[] args, Exception? exception = null, params object[] scopes)
    {
        var scopeProvider = new LoggerExternalScopeProvider();
        var pushed = scopes.Select(scopeProvider.Push).ToList();
        var state = new FormattedState(template, args);
        var entry = new LogEntry<FormattedState>(level, "StockPlatform.Tests", new EventId(0), state, exception, (s, _) => s.ToString());
        using var writer = new StringWriter();
        formatter.Write(entry, scopeProvider, writer);
        pushed.ForEach(p => p.Dispose());
        return writer.ToString();
    }

    [Fact]
    public void As_the_host_builds_it_a_line_names_the_process_agent_and_instance_unless_a_scope_names_the_agent()
    {
        var identity = new AgentIdentity("ingestion", "host-1-ab12", "0.1.0", DateTimeOffset.UtcNow);
        using var services = new ServiceCollection().AddSingleton(identity).BuildServiceProvider();
        var formatter = new JsonLineConsoleFormatter(services, new HostingEnvironment { ApplicationName = "StockPlatform.Ingestion" });

        using (var plain = JsonDocument.Parse(FormatWith(formatter, LogLevel.Information, "Started", [])))
        {
            Assert.Equal("ingestion", plain.RootElement.GetProperty("agent").GetString());
            Assert.Equal("host-1-ab12", plain.RootElement.GetProperty("instance").GetString());
        }
        var scoped = new Dictionary<string, object?> { ["agent"] = "features", ["symbol"] = "SPY" };
        using (var inScope = JsonDocument.Parse(FormatWith(formatter, LogLevel.Information, "Built", [], null, scoped)))
        {
            Assert.Equal("features", inScope.RootElement.GetProperty("agent").GetString());
            Assert.Equal("SPY", inScope.RootElement.GetProperty("symbol").GetString());
        }

        // A process without an identity (MarketSim) is named after its application.
        using var none = new ServiceCollection().BuildServiceProvider();
        var bare = new JsonLineConsoleFormatter(none, new HostingEnvironment { ApplicationName = "StockPlatform.MarketSim" });
        using var line = JsonDocument.Parse(FormatWith(bare, LogLevel.Information, "Started", []));
        Assert.Equal("marketsim", line.RootElement.GetProperty("agent").GetString());
        Assert.False(line.RootElement.TryGetProperty("instance", out _));
    }

    [Fact]
    public void Each_entry_is_one_json_object_on_one_line_with_the_standard_fields()
    {
        var line = Format(LogLevel.Warning, "Fetched {Count} bars", [42]);

        Assert.EndsWith("\n", line);
        Assert.Single(line.TrimEnd('\n').Split('\n'));
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.Equal("Warning", root.GetProperty("level").GetString());
        Assert.Equal("StockPlatform.Tests", root.GetProperty("category").GetString());
        Assert.Equal("Fetched 42 bars", root.GetProperty("message").GetString());
        Assert.True(DateTimeOffset.TryParse(root.GetProperty("timestamp").GetString(), out _));
        Assert.Equal(42, root.GetProperty("props").GetProperty("Count").GetInt32());
    }

    [Fact]
    public void Agent_symbol_and_stage_from_scopes_become_top_level_fields()
    {
        var scope = new List<KeyValuePair<string, object?>> { new("agent", "ingestion"), new("symbol", "SPY"), new("stage", "fetch") };

        var line = Format(LogLevel.Information, "Page {Page} done", [3], null, scope);

        using var json = JsonDocument.Parse(line);
        Assert.Equal("ingestion", json.RootElement.GetProperty("agent").GetString());
        Assert.Equal("SPY", json.RootElement.GetProperty("symbol").GetString());
        Assert.Equal("fetch", json.RootElement.GetProperty("stage").GetString());
        Assert.False(json.RootElement.GetProperty("props").TryGetProperty("agent", out _));
    }

    [Fact]
    public void A_symbol_in_the_message_state_wins_over_an_outer_scope()
    {
        var scope = new List<KeyValuePair<string, object?>> { new("symbol", "SPY") };

        var line = Format(LogLevel.Information, "Switching to {Symbol}", ["QQQ"], null, scope);

        using var json = JsonDocument.Parse(line);
        Assert.Equal("QQQ", json.RootElement.GetProperty("symbol").GetString());
    }

    [Fact]
    public void The_current_trace_and_span_ids_are_written()
    {
        using var activity = new Activity("test").SetIdFormat(ActivityIdFormat.W3C).Start();

        var line = Format(LogLevel.Information, "inside a span", []);

        using var json = JsonDocument.Parse(line);
        Assert.Equal(activity.TraceId.ToHexString(), json.RootElement.GetProperty("trace_id").GetString());
        Assert.Equal(activity.SpanId.ToHexString(), json.RootElement.GetProperty("span_id").GetString());
    }

    [Fact]
    public void Properties_that_look_like_secrets_are_masked()
    {
        var line = Format(LogLevel.Information, "Connecting with {Password} and {ApiKey}", ["hunter2", "AKxyz"]);

        using var json = JsonDocument.Parse(line);
        Assert.Equal("***", json.RootElement.GetProperty("props").GetProperty("Password").GetString());
        Assert.Equal("***", json.RootElement.GetProperty("props").GetProperty("ApiKey").GetString());
    }

    [Fact]
    public void Exceptions_are_written_with_their_stack()
    {
        Exception caught;
        try { throw new InvalidOperationException("boom"); }
        catch (InvalidOperationException ex) { caught = ex; }

        var line = Format(LogLevel.Error, "failed", [], caught);

        using var json = JsonDocument.Parse(line);
        var text = json.RootElement.GetProperty("exception").GetString();
        Assert.Contains("InvalidOperationException: boom", text);
        Assert.Contains(nameof(Exceptions_are_written_with_their_stack), text);
    }

    /// <summary>The state shape the logging source generator and LoggerMessage produce.</summary>
    private sealed class FormattedState(string template, object?[] args) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private readonly List<KeyValuePair<string, object?>> _pairs = BuildPairs(template, args);

        private static List<KeyValuePair<string, object?>> BuildPairs(string template, object?[] args)
        {
            var names = System.Text.RegularExpressions.Regex.Matches(template, "{([^}]+)}").Select(m => m.Groups[1].Value).ToList();
            var pairs = names.Select((name, i) => new KeyValuePair<string, object?>(name, args[i])).ToList();
            pairs.Add(new("{OriginalFormat}", template));
            return pairs;
        }

        public KeyValuePair<string, object?> this[int index] => _pairs[index];

        public int Count => _pairs.Count;

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _pairs.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString()
        {
            var text = template;
            for (var i = 0; i < _pairs.Count - 1; i++) text = text.Replace("{" + _pairs[i].Key + "}", Convert.ToString(_pairs[i].Value, System.Globalization.CultureInfo.InvariantCulture));
            return text;
        }
    }
}
