using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace StockPlatform.Bench.Support;

/// <summary>Backfill jobs through the gateway: queued with <c>POST /jobs</c>, polled on <c>GET /jobs/{id}</c> until done.</summary>
internal static class BenchJobs
{
    /// <summary>Queues one job of 1-minute bars for <paramref name="symbols"/> over the New York dates, IEX feed; returns its id.</summary>
    public static async Task<Guid> PostAsync(HttpClient http, IReadOnlyList<string> symbols, DateOnly start, DateOnly end)
    {
        using var response = await http.PostAsJsonAsync("/jobs", new { symbols, start = $"{start:yyyy-MM-dd}", end = $"{end:yyyy-MM-dd}", feed = "iex" });
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST /jobs answered {(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("job_id").GetGuid();
    }

    /// <summary>
    /// Polls the job every <paramref name="every"/> until it succeeds (progress on the console under
    /// <paramref name="label"/>) and returns the bars it inserted; throws when it fails.
    /// </summary>
    public static async Task<long> WaitAsync(HttpClient http, Guid id, string label, TimeSpan every, Func<string>? explain = null)
    {
        var progress = new ConsoleProgress(label);
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            using var json = JsonDocument.Parse(await http.GetStringAsync($"/jobs/{id}"));
            var job = json.RootElement;
            var status = job.GetProperty("status").GetString();
            if (status is "failed" or "cancelled")
                throw new InvalidOperationException($"job {status}: {job}\n{explain?.Invoke()}");
            var counts = job.GetProperty("progress");
            var bars = counts.GetProperty("bars_inserted").GetInt64();
            var finished = status == "succeeded";
            progress.Report(counts.GetProperty("sessions_done").GetInt32(), counts.GetProperty("sessions_total").GetInt32(), bars, 0, Stopwatch.GetElapsedTime(started), finished);
            if (finished) return bars;
            await Task.Delay(every);
        }
    }
}
