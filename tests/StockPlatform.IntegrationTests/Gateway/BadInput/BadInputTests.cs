using Xunit.Abstractions;

namespace StockPlatform.IntegrationTests.Gateway.BadInput;

/// <summary>
/// The bad-input suite over the gateway in-process: the table (every mapped route covered), the
/// seeded generator on top of it, and a flood of wrong API keys. Every answer a 4xx problem (or,
/// where the case allows, a good answer), none a 5xx, none late, none leaking a secret; afterwards
/// every table and every archive file as before and no log record holding a secret.
/// </summary>
public sealed class BadInputTests(BadInputGateway gateway, ITestOutputHelper output) : IClassFixture<BadInputGateway>
{
    private static readonly BadInputProfile Profile = BadInputProfile.Current;

    [Fact]
    public async Task Every_route_gets_bad_requests_from_the_table_and_each_gets_a_4xx_problem_none_a_5xx_and_nothing_changes()
    {
        var cases = BadInputCatalog.Cases().ToList();
        Assert.True(cases.Count >= 1000, $"only {cases.Count} cases");
        var runner = new BadInputRunner(gateway.Client, BadInputCatalog.Key, gateway.Secrets);

        await runner.RunAsync(cases, firstNumber: 0);
        output.WriteLine(runner.Summary("table"));

        Assert.True(runner.Failures.Count == 0, $"{runner.Failures.Count} of {cases.Count} cases failed:\n{string.Join('\n', runner.Failures.Take(60))}");
        // A route no case reached is a route whose bad input nobody tried: a new route needs cases here.
        var reached = gateway.RoutesHit.Where(hit => hit.Key < cases.Count).Select(hit => hit.Value).ToHashSet();
        var missed = gateway.MappedRoutes().Where(route => !reached.Contains(route)).ToList();
        Assert.True(missed.Count == 0, "routes without bad-input cases (add some to BadInputCatalog):\n" + string.Join('\n', missed));
        await gateway.AssertNothingChangedAsync();
    }

    [Fact]
    public async Task Thousands_of_seeded_mutations_of_valid_requests_get_4xx_problems_naming_the_bad_field_and_change_nothing()
    {
        output.WriteLine($"profile {Profile.Name}, BADINPUT_SEED={Profile.Seed}");
        var cases = new BadInputFuzzer(Profile.Seed).Generate(Profile.FuzzRequests).ToList();
        var runner = new BadInputRunner(gateway.Client, BadInputCatalog.Key, gateway.Secrets);

        await runner.RunAsync(cases, firstNumber: 1_000_000);
        output.WriteLine(runner.Summary("generated"));

        Assert.True(runner.Failures.Count == 0,
            $"{runner.Failures.Count} of {cases.Count} generated requests failed (replay with BADINPUT_SEED={Profile.Seed}):\n{string.Join('\n', runner.Failures.Take(60))}");
        await gateway.AssertNothingChangedAsync();
    }

    [Fact]
    public async Task Thousands_of_wrong_keys_on_every_mutating_route_get_401_problems_and_the_right_key_works_at_once()
    {
        var routes = gateway.MappedRoutes().Where(route => !route.StartsWith("GET", StringComparison.Ordinal) && !route.StartsWith('*')).ToList();
        Assert.NotEmpty(routes);
        var random = new Random(Profile.Seed);
        string[] shapes = ["", " ", "wrong", BadInputCatalog.Key.ToUpperInvariant(), BadInputCatalog.Key + "x", BadInputCatalog.Key[..^1], new string('k', 300), "' OR 1=1 --", "🔑🔑", "Bearer " + BadInputCatalog.Key];
        var cases = new List<BadRequest>();
        for (var i = 0; i < Profile.WrongKeyRequests; i++)
        {
            var route = routes[i % routes.Count];
            var key = i < shapes.Length * routes.Count ? shapes[i / routes.Count] : Guid.NewGuid().ToString("N")[..random.Next(1, 32)];
            cases.Add(new BadRequest(new HttpMethod(route[..route.IndexOf(' ', StringComparison.Ordinal)]), Concrete(route[(route.IndexOf(' ', StringComparison.Ordinal) + 1)..]), null,
                BadBody.Json(new { symbols = new[] { "SPY" }, sql = "SELECT 1" }), Keyless: true, Headers: request => request.Headers.TryAddWithoutValidation("X-Api-Key", key)));
        }
        var runner = new BadInputRunner(gateway.Client, BadInputCatalog.Key, gateway.Secrets);

        await runner.RunAsync(cases, firstNumber: 2_000_000);
        output.WriteLine(runner.Summary("wrong keys"));

        Assert.True(runner.Failures.Count == 0, $"{runner.Failures.Count} failed:\n{string.Join('\n', runner.Failures.Take(40))}");
        Assert.Equal([401], runner.StatusCounts.Keys);
        // The right key at once after the flood (a query: it changes nothing).
        using var right = new HttpRequestMessage(HttpMethod.Post, "/archive/sql") { Content = BadBody.Json(new { sql = "SELECT count(*) AS n FROM bars" }).ToContent() };
        right.Headers.Add("X-Api-Key", BadInputCatalog.Key);
        using var answer = await gateway.Client.SendAsync(right);
        Assert.Equal(System.Net.HttpStatusCode.OK, answer.StatusCode);
        Assert.True(gateway.Logs.Records > 0, "the log capture saw nothing");
        await gateway.AssertNothingChangedAsync();
    }

    // A route pattern made requestable: each parameter a valid-looking value (the key check comes before any parsing).
    private static string Concrete(string pattern) => System.Text.RegularExpressions.Regex.Replace(pattern, "{([a-z]+)(:guid)?[^}]*}", match => match.Groups[1].Value switch
    {
        "id" => "6f1c2a4e-1b7d-4c1e-9a51-0d2c8e4b7f10",
        "agent" => "ingestion",
        _ => "SPY",
    });
}
