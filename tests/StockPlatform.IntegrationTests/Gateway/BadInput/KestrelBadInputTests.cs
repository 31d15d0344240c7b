using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using StockPlatform.Testing;
using Xunit.Abstractions;

namespace StockPlatform.IntegrationTests.Gateway.BadInput;

/// <summary>
/// Part of the suite against the gateway as a real process (Kestrel over loopback, not the test
/// server), where the limits on headers, URLs and bodies are Kestrel's: a sample of the table, then
/// what only a real server sees (a body over the limit, huge headers and URLs, a body trickling in,
/// malformed requests). Kestrel refuses some of these itself, before the app, with a bare status and
/// no body: those may lack problem details, nothing else may. The process survives all of it, still
/// takes its key, and never writes the key or a password to its log.
/// </summary>
public sealed class KestrelBadInputTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _archive = Path.Combine(Path.GetTempPath(), "sp-bad-input-kestrel-" + Guid.NewGuid().ToString("N"));
    private ThrowawayDatabase _database = null!;
    private ServiceProcess _gateway = null!;
    private HttpClient _client = null!;
    private string[] _secrets = [];

    public async Task InitializeAsync()
    {
        _database = await ThrowawayDatabase.CreateAsync(TestServers.PostgresConnectionString, "bad_kestrel_", TestServers.Hint);
        _secrets = [BadInputCatalog.Key, .. BadInputRunner.PasswordsOf(_database.ConnectionString, TestServers.MessagingConnectionString)];
        var prefix = "badkestrel" + Guid.NewGuid().ToString("N")[..8];
        _gateway = ServiceProcess.Start("Gateway", "StockPlatform.Gateway", new Dictionary<string, string>
        {
            ["ConnectionStrings__stockplatform"] = _database.ConnectionString,
            ["ConnectionStrings__messaging"] = TestServers.MessagingConnectionString,
            ["Messaging__EndpointPrefix"] = prefix,
            ["Messaging__Namespace"] = prefix,
            ["GATEWAY_API_KEY"] = BadInputCatalog.Key,
            ["Archive__Root"] = _archive,
            ["Gateway__RequestsPerSecond"] = "100000",
            // Everything the gateway logs, so a key in any record would show.
            ["Logging__LogLevel__Default"] = "Debug",
        });
        await _gateway.WaitHealthyAsync(TimeSpan.FromSeconds(90));
        // Header values as UTF-8, as a client that does not check them would send them.
        _client = new HttpClient(new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8 }) { BaseAddress = _gateway.Url };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
        await _database.DisposeAsync();
        if (Directory.Exists(_archive)) Directory.Delete(_archive, recursive: true);
    }

    [Fact]
    public async Task A_sample_of_the_table_and_what_only_kestrel_sees_get_4xx_answers_and_the_process_survives_with_its_key_unlogged()
    {
        var before = await StateSnapshot.TakeAsync(_database.ConnectionString, _archive);
        var stopwatch = Stopwatch.StartNew();
        var all = BadInputCatalog.Cases().ToList();
        var sample = BadInputProfile.Current.Full ? all : [.. all.Where((_, i) => i % 5 == 0)];
        var runner = new BadInputRunner(_client, BadInputCatalog.Key, _secrets) { AllowBareRefusals = true };
        await runner.RunAsync(sample);
        output.WriteLine(runner.Summary("table over Kestrel"));
        Assert.True(runner.Failures.Count == 0, $"{runner.Failures.Count} of {sample.Count} failed:\n{string.Join('\n', runner.Failures.Take(40))}");

        // Over the body limit (1 MB), with a length or chunked (valid JSON as far as it goes, so it is read past the limit): 413.
        using (var big = new HttpRequestMessage(HttpMethod.Post, "/jobs") { Content = new BadBody(new byte[2 * 1024 * 1024], "application/json").ToContent() })
        {
            big.Headers.Add("X-Api-Key", BadInputCatalog.Key);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, await StatusOrClosedAsync(big));
        }
        using (var chunked = new HttpRequestMessage(HttpMethod.Post, "/archive/sql") { Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"sql\": \"" + new string('x', 3 * 1024 * 1024) + "\"}"))) })
        {
            chunked.Headers.Add("X-Api-Key", BadInputCatalog.Key);
            chunked.Headers.TransferEncodingChunked = true;
            chunked.Content.Headers.ContentType = new("application/json");
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, await StatusOrClosedAsync(chunked));
        }
        // Headers over Kestrel's 32 KB, a request line over its 8 KB.
        using (var huge = new HttpRequestMessage(HttpMethod.Get, "/bars/SPY"))
        {
            huge.Headers.TryAddWithoutValidation("X-Junk", new string('h', 40_000));
            Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, await StatusOrClosedAsync(huge));
        }
        using (var longUrl = new HttpRequestMessage(HttpMethod.Get, "/bars/SPY?x=" + new string('u', 10_000)))
            Assert.Equal(HttpStatusCode.RequestUriTooLong, await StatusOrClosedAsync(longUrl));

        // Malformed HTTP: a bare 400 from Kestrel, at once.
        foreach (var raw in new[]
        {
            "GARBAGE\r\n\r\n", "GET /bars/SPY HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", "GET /bars/SPY HTTP/9.9\r\nHost: x\r\n\r\n",
            "POST /jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", "GET /bars/S\0PY HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /bars/SPY HTTP/1.1\r\nHost: x\r\nX-Bad\r\n\r\n",
        })
        {
            var answer = await RawAsync(raw, trickle: false);
            // (An unknown HTTP version is Kestrel's 505, the status HTTP has for it, not a failure of the app.)
            var expected = raw.Contains("HTTP/9.9", StringComparison.Ordinal) ? "HTTP/1.1 505" : "HTTP/1.1 4";
            Assert.True(answer.StartsWith(expected, StringComparison.Ordinal) || answer.Length == 0, $"{raw.Replace("\r\n", " ")} -> {answer}");
        }

        // A body trickling in far below Kestrel's minimum rate is cut off, not waited for.
        var trickle = Stopwatch.StartNew();
        var cut = await RawAsync($"POST /jobs HTTP/1.1\r\nHost: x\r\nX-Api-Key: {BadInputCatalog.Key}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{{\"sql\": \"", trickle: true);
        Assert.True(trickle.Elapsed < TimeSpan.FromSeconds(25), $"the slow body held the connection {trickle.Elapsed.TotalSeconds:0} s");
        Assert.True(cut.Length == 0 || cut.StartsWith("HTTP/1.1 4", StringComparison.Ordinal), cut);
        // Kestrel's minimum body rate (240 bytes/s after a 5 s grace) is what cuts it, so it cannot be instant either.
        Assert.True(trickle.Elapsed > TimeSpan.FromSeconds(3), $"answered after {trickle.Elapsed.TotalSeconds:0.0} s, before the body was judged slow: {cut}");
        output.WriteLine($"slow body cut off after {trickle.Elapsed.TotalSeconds:0.0} s: {cut.Split('\r')[0]}");

        // Still up, still taking its key (a query over an empty archive: 400, not 401), nothing changed, no secret in its log.
        Assert.False(_gateway.HasExited, _gateway.Tail());
        using (var right = new HttpRequestMessage(HttpMethod.Post, "/archive/sql") { Content = BadBody.Json(new { sql = "SELECT 1" }).ToContent() })
        {
            right.Headers.Add("X-Api-Key", BadInputCatalog.Key);
            using var answer = await _client.SendAsync(right);
            Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        }
        Assert.Empty((await StateSnapshot.TakeAsync(_database.ConnectionString, _archive)).DifferencesFrom(before));
        var leaked = _gateway.Output.Where(line => _secrets.Any(secret => line.Contains(secret, StringComparison.Ordinal))).Take(3).ToList();
        Assert.True(leaked.Count == 0, "the gateway logged a secret:\n" + string.Join('\n', leaked));
        Assert.Empty(await StateSnapshot.LoggedSecretsAsync(_database.ConnectionString, _secrets));
        output.WriteLine($"{_gateway.Output.Count} log lines checked; {stopwatch.Elapsed.TotalSeconds:0.0} s in all");
    }

    // The status, or 413 when Kestrel closed the connection while the body was still being sent (it may, after answering).
    private async Task<HttpStatusCode> StatusOrClosedAsync(HttpRequestMessage request)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            using var answer = await _client.SendAsync(request, timeout.Token);
            return answer.StatusCode;
        }
        catch (HttpRequestException) when (request.Content is not null)
        {
            return HttpStatusCode.RequestEntityTooLarge;
        }
    }

    /// <summary>Sends <paramref name="text"/> over a socket (then, when <paramref name="trickle"/>, a byte a second) and returns what comes back before the server closes or 30 s pass.</summary>
    private async Task<string> RawAsync(string text, bool trickle)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_gateway.Url.Host, _gateway.Url.Port);
        var stream = tcp.GetStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await stream.WriteAsync(Encoding.Latin1.GetBytes(text), timeout.Token);
        var read = ReadAllAsync(stream, timeout.Token);
        while (trickle && !read.IsCompleted && !timeout.IsCancellationRequested)
        {
            try
            {
                await stream.WriteAsync("x"u8.ToArray(), timeout.Token);
            }
            catch (IOException)
            {
                break;
            }
            await Task.WhenAny(read, Task.Delay(1000, timeout.Token));
        }
        return await read;
    }

    private static async Task<string> ReadAllAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int count;
            while ((count = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                received.Write(buffer, 0, count);
                // One answer is enough: Kestrel keeps a refused request's connection open only briefly.
                if (Encoding.Latin1.GetString(received.ToArray()).Contains("\r\n\r\n", StringComparison.Ordinal)) break;
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
        {
            // Closed or reset by the server: what arrived is the answer.
        }
        return Encoding.Latin1.GetString(received.ToArray());
    }
}
