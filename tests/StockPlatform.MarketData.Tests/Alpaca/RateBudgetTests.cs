using System.Globalization;
using System.Net;
using StockPlatform.MarketData.Alpaca.Throttling;

namespace StockPlatform.MarketData.Tests.Alpaca;

public class RateBudgetTests
{
    private static HttpResponseMessage Answer(int limit, int remaining, DateTimeOffset reset, HttpStatusCode status = HttpStatusCode.OK)
    {
        var response = new HttpResponseMessage(status);
        response.Headers.Add("X-RateLimit-Limit", limit.ToString(CultureInfo.InvariantCulture));
        response.Headers.Add("X-RateLimit-Remaining", remaining.ToString(CultureInfo.InvariantCulture));
        response.Headers.Add("X-RateLimit-Reset", reset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        return response;
    }

    private static RateBudget NewBudget() => new(TimeProvider.System, TimeSpan.FromMilliseconds(100));

    [Fact]
    public async Task Before_the_first_answer_only_one_request_is_in_flight()
    {
        var budget = NewBudget();
        await budget.AcquireAsync(CancellationToken.None);

        var second = budget.AcquireAsync(CancellationToken.None).AsTask();
        await Task.Delay(150);
        Assert.False(second.IsCompleted);

        budget.Release(Answer(100, 99, DateTimeOffset.UtcNow.AddMinutes(1)));
        await second.WaitAsync(TimeSpan.FromSeconds(2));
        Assert.Equal(1, budget.InFlight);
    }

    [Fact]
    public async Task The_remaining_budget_is_shared_by_concurrent_requests()
    {
        var budget = NewBudget();
        await budget.AcquireAsync(CancellationToken.None);
        budget.Release(Answer(10, 3, DateTimeOffset.UtcNow.AddMinutes(1)));

        // Three may go at once; the fourth has to wait for the window to reset.
        for (var i = 0; i < 3; i++) await budget.AcquireAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(1));
        var fourth = budget.AcquireAsync(CancellationToken.None).AsTask();
        await Task.Delay(200);
        Assert.False(fourth.IsCompleted);
        Assert.Equal(3, budget.InFlight);
    }

    [Fact]
    public async Task A_spent_window_waits_until_its_reset_and_then_resumes()
    {
        var budget = NewBudget();
        await budget.AcquireAsync(CancellationToken.None);
        var reset = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 2);
        budget.Release(Answer(5, 0, reset));

        var started = DateTimeOffset.UtcNow;
        var waited = await budget.AcquireAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.True(DateTimeOffset.UtcNow >= reset, "released before the reset");
        Assert.True(waited >= reset - started - TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task A_429_empties_the_window_even_when_the_headers_disagree()
    {
        var budget = NewBudget();
        await budget.AcquireAsync(CancellationToken.None);
        var reset = DateTimeOffset.UtcNow.AddSeconds(30);
        budget.Release(Answer(200, 150, reset, HttpStatusCode.TooManyRequests));

        var next = budget.AcquireAsync(CancellationToken.None).AsTask();
        await Task.Delay(200);
        Assert.False(next.IsCompleted);
    }

    [Fact]
    public async Task Answers_arriving_out_of_order_keep_the_lowest_remaining_count()
    {
        var budget = NewBudget();
        await budget.AcquireAsync(CancellationToken.None);
        var reset = DateTimeOffset.UtcNow.AddMinutes(1);
        budget.Release(Answer(10, 2, reset));
        await budget.AcquireAsync(CancellationToken.None);
        budget.Release(Answer(10, 1, reset));
        await budget.AcquireAsync(CancellationToken.None);
        budget.Release(Answer(10, 5, reset)); // an older answer, overtaken

        await budget.AcquireAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(1));
        var blocked = budget.AcquireAsync(CancellationToken.None).AsTask();
        await Task.Delay(200);
        Assert.False(blocked.IsCompleted);
    }

    [Fact]
    public async Task Waiting_for_budget_can_be_cancelled()
    {
        var budget = NewBudget();
        await budget.AcquireAsync(CancellationToken.None);
        budget.Release(Answer(5, 0, DateTimeOffset.UtcNow.AddMinutes(1)));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => budget.AcquireAsync(cancel.Token).AsTask());
    }

    [Fact]
    public void The_registry_hands_out_one_budget_per_key()
    {
        var registry = new RateBudgetRegistry(TimeProvider.System);

        Assert.Same(registry.For("key-a", TimeSpan.Zero), registry.For("key-a", TimeSpan.Zero));
        Assert.NotSame(registry.For("key-a", TimeSpan.Zero), registry.For("key-b", TimeSpan.Zero));
    }
}
