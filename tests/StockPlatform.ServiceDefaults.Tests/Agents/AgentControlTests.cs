using Microsoft.Extensions.Logging.Abstractions;
using StockPlatform.ServiceDefaults.Agents;

namespace StockPlatform.ServiceDefaults.Tests.Agents;

public class AgentControlTests
{
    [Theory]
    [InlineData("rabbitmq://localhost/backfill-window", true)]
    [InlineData("rabbitmq://localhost/vhost/e2eabc-bars-ingested", true)]
    [InlineData("rabbitmq://localhost/host_ControlAgent_bus_abc?temporary=true", false)]
    [InlineData("rabbitmq://localhost/tracking-abc?durable=false&autodelete=true", false)]
    [InlineData("rabbitmq://localhost/events?AutoDelete=True", false)]
    public void Only_shared_durable_queues_count_as_work_a_pause_stops(string address, bool work) =>
        Assert.Equal(work, AgentControl.IsWorkQueue(new Uri(address)));

    [Fact]
    public async Task Pausing_cancels_the_work_in_hand_and_holds_new_work_until_resumed()
    {
        var control = new AgentControl(NullLogger<AgentControl>.Instance);
        var running = control.PausedToken;
        Assert.False(control.IsPaused);
        Assert.True(control.WaitUntilResumedAsync(CancellationToken.None).IsCompletedSuccessfully);

        await control.SetPausedAsync(true, "test", TimeSpan.FromSeconds(5));
        Assert.True(control.IsPaused);
        Assert.True(running.IsCancellationRequested);
        Assert.True(control.PausedToken.IsCancellationRequested); // work that starts while paused stops at once
        var waiting = control.WaitUntilResumedAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);

        await control.SetPausedAsync(true, "again", TimeSpan.FromSeconds(5)); // no change
        await control.SetPausedAsync(false, "test", TimeSpan.FromSeconds(5));
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(control.IsPaused);
        Assert.False(control.PausedToken.IsCancellationRequested);
    }

    [Fact]
    public async Task A_wait_for_resume_ends_when_the_agent_stops()
    {
        var control = new AgentControl(NullLogger<AgentControl>.Instance);
        await control.SetPausedAsync(true, "test", TimeSpan.FromSeconds(5));
        using var stopping = new CancellationTokenSource();
        var waiting = control.WaitUntilResumedAsync(stopping.Token);
        await stopping.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }
}
