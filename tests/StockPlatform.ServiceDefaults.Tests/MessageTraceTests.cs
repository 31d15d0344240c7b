using System.Diagnostics;
using StockPlatform.ServiceDefaults.Telemetry;

namespace StockPlatform.ServiceDefaults.Tests;

/// <summary>Where work on a batch of messages goes in the traces (the choice is pure: no bus needed).</summary>
public class MessageTraceTests
{
    private static ActivityContext Context(ActivityTraceId? trace = null) =>
        new(trace ?? ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);

    [Fact]
    public void Work_nests_under_the_consume_span_when_the_first_message_is_of_its_trace_and_links_the_other_traces()
    {
        var consuming = Context();
        var sameTrace = Context(consuming.TraceId);
        var other = Context();
        var otherAgain = Context(other.TraceId);

        var trace = MessageTrace.For(consuming, [sameTrace, other, otherAgain, other]);

        Assert.Equal(consuming, trace.Parent);
        Assert.Equal([other, otherAgain], trace.Links.Select(link => link.Context));
    }

    [Fact]
    public void Work_goes_into_the_first_message_s_trace_when_the_batch_is_consumed_in_another()
    {
        var consuming = Context();
        var first = Context();
        var inConsumingTrace = Context(consuming.TraceId);

        var trace = MessageTrace.For(consuming, [first, inConsumingTrace]);

        Assert.Equal(first, trace.Parent);
        Assert.Equal([inConsumingTrace], trace.Links.Select(link => link.Context));
    }

    [Fact]
    public void Messages_that_carry_no_trace_leave_the_work_under_the_current_span()
    {
        var trace = MessageTrace.For(Context(), [default, default]);

        Assert.Equal(default, trace.Parent);
        Assert.Empty(trace.Links);
    }

    [Fact]
    public void A_batch_of_many_traces_is_linked_to_at_most_the_link_limit()
    {
        var trace = MessageTrace.For(default, Enumerable.Range(0, 200).Select(_ => Context()));

        Assert.NotEqual(default, trace.Parent);
        Assert.Equal(MessageTrace.MaxLinks, trace.Links.Count);
    }

    [Fact]
    public void A_consume_span_is_linked_to_the_batched_messages_of_other_traces_only()
    {
        using var source = new ActivitySource("StockPlatform.Tests.MessageTrace");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == source.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var consume = source.StartActivity("consume")!;
        var other = Context();

        MessageTrace.LinkBatch(consume, [Context(consume.TraceId), other, default]);

        Assert.Equal([other], consume.Links.Select(link => link.Context));
    }
}
