using System.Diagnostics.Metrics;
using StockPlatform.Storage.Jobs;
using StockPlatform.Storage.Tests.Support;

namespace StockPlatform.Storage.Tests;

public sealed class JobTests : IAsyncLifetime
{
    private static readonly DateOnly Start = new(2024, 3, 1);
    private static readonly DateOnly End = new(2024, 3, 31);
    private static readonly JobWindow[] Windows = [new(Start, new(2024, 3, 15), 10), new(new(2024, 3, 16), End, 11)];

    private StorageHost _db = null!;

    public async Task InitializeAsync() => _db = await StorageHost.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Asking_twice_for_the_same_job_returns_the_active_one_with_its_tasks()
    {
        var first = await CreateAsync();
        var second = await CreateAsync();
        var otherFeed = await CreateAsync(feed: "sip");

        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.Equal(first.Job, second.Job);
        Assert.Equal(first.Tasks, second.Tasks);
        Assert.Equal(JobStatus.Queued, first.Job.Status);
        Assert.Equal(21, first.Job.SessionsTotal);
        Assert.Equal(new[] { 0, 1 }, first.Tasks.Select(t => t.Seq));
        Assert.Equal(Windows.Select(w => (w.Start, w.End)), first.Tasks.Select(t => (t.Start, t.End)));
        Assert.All(first.Tasks, task => Assert.Equal(("pending", 0, first.Job.Id), (task.Status, task.Attempts, task.JobId)));
        Assert.True(otherFeed.Created);
        Assert.NotEqual(first.Job.Id, otherFeed.Job.Id);
    }

    [Fact]
    public async Task Concurrent_requests_for_the_same_job_create_it_once()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => CreateAsync())));

        Assert.Single(results, r => r.Created);
        Assert.Single(results.Select(r => r.Job.Id).Distinct());
        Assert.All(results, r => Assert.Equal(2, r.Tasks.Count));
        Assert.Single(await _db.Jobs.ListAsync());
    }

    [Fact]
    public async Task A_task_is_held_by_one_owner_until_its_lease_lapses_and_a_done_task_is_never_claimed_again()
    {
        var (job, tasks, _) = await CreateAsync();

        var claimed = await _db.Jobs.ClaimTaskAsync(tasks[0].Id, "agent-a", TimeSpan.FromMinutes(1));
        var redelivered = await _db.Jobs.ClaimTaskAsync(tasks[0].Id, "agent-b", TimeSpan.FromMinutes(1));

        Assert.Equal(("running", 1, "agent-a"), (claimed!.Status, claimed.Attempts, claimed.LeaseOwner));
        Assert.Null(redelivered);
        Assert.Equal(JobStatus.Running, (await _db.Jobs.GetAsync(job.Id))!.Status);
        Assert.True(await RenewAsync(tasks[0].Id, "agent-a", TimeSpan.FromMilliseconds(1)));
        Assert.False(await RenewAsync(tasks[0].Id, "agent-b", TimeSpan.FromMinutes(1)));

        // agent-a's lease lapses (it died): agent-b takes the window over, and agent-a can no longer renew it.
        await Task.Delay(50);
        var takenOver = await _db.Jobs.ClaimTaskAsync(tasks[0].Id, "agent-b", TimeSpan.FromMinutes(1));
        Assert.Equal(("running", 2, "agent-b"), (takenOver!.Status, takenOver.Attempts, takenOver.LeaseOwner));
        Assert.False(await RenewAsync(tasks[0].Id, "agent-a", TimeSpan.FromMinutes(1)));

        await _db.Jobs.CompleteTaskAsync(tasks[0].Id, "agent-b", 10, 3_900, 0);
        Assert.Null(await _db.Jobs.ClaimTaskAsync(tasks[0].Id, "agent-c", TimeSpan.FromMinutes(1)));
        Assert.Null(await _db.Jobs.ClaimTaskAsync(Guid.NewGuid(), "agent-c", TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task A_failed_attempt_waits_out_its_back_off_and_a_window_that_fails_for_good_fails_the_job_once_the_rest_finish()
    {
        var (job, tasks, _) = await CreateAsync();
        await ClaimAsync(tasks[0].Id);
        await ClaimAsync(tasks[1].Id);

        var waiting = await _db.Jobs.RecordFailureAsync(tasks[1].Id, Owner, "Alpaca kept failing (500)", DateTimeOffset.UtcNow.AddHours(1));
        Assert.Equal(JobStatus.Running, waiting!.Status);
        Assert.Null(await ClaimAsync(tasks[1].Id)); // not before its retry is due
        Assert.Null(await _db.Jobs.RecordFailureAsync(tasks[1].Id, "someone-else", "not mine", null));
        var retryLater = (await _db.Jobs.GetTasksAsync(job.Id))[1];
        Assert.Equal(("pending", "Alpaca kept failing (500)"), (retryLater.Status, retryLater.Error));

        await _db.ExecuteAsync($"UPDATE job_tasks SET retry_at = now() WHERE id = '{tasks[1].Id}'");
        Assert.Equal(2, (await ClaimAsync(tasks[1].Id))!.Attempts);
        var stillOpen = await _db.Jobs.RecordFailureAsync(tasks[1].Id, Owner, "bar 3 (SPY 2024-03-20T13:31:00Z) is invalid: high below low", null);
        Assert.Equal(JobStatus.Running, stillOpen!.Status); // the other window still runs
        var finished = (await _db.Jobs.CompleteTaskAsync(tasks[0].Id, Owner, 10, 3_900, 0))!;

        Assert.Equal(JobStatus.Failed, finished.Status);
        Assert.Equal(1, finished.FailedWindows);
        Assert.Equal("bar 3 (SPY 2024-03-20T13:31:00Z) is invalid: high below low", finished.Error);
        Assert.Equal(3_900L, finished.BarsInserted); // what the other window stored stays
        Assert.True(finished.IsFinished);
        Assert.Null(await ClaimAsync(tasks[1].Id));
        // A finished job no longer holds its key: asking again starts afresh.
        var again = await CreateAsync();
        Assert.True(again.Created);
        Assert.NotEqual(job.Id, again.Job.Id);
    }

    [Fact]
    public async Task A_released_window_goes_back_without_counting_the_attempt()
    {
        var (job, tasks, _) = await CreateAsync();
        await ClaimAsync(tasks[0].Id);

        Assert.NotNull(await _db.Jobs.ReleaseAsync(tasks[0].Id, Owner));

        var released = (await _db.Jobs.GetTasksAsync(job.Id))[0];
        Assert.Equal(("pending", 0, (string?)null), (released.Status, released.Attempts, released.LeaseOwner));
        Assert.Equal(1, (await ClaimAsync(tasks[0].Id))!.Attempts);
    }

    [Fact]
    public async Task Cancelling_stops_the_open_windows_keeps_what_was_stored_and_a_retry_reopens_only_the_unfinished()
    {
        var (job, tasks, _) = await CreateAsync();
        await ClaimAsync(tasks[0].Id);
        await _db.Jobs.CompleteTaskAsync(tasks[0].Id, Owner, 10, 3_900, 0);
        await ClaimAsync(tasks[1].Id);
        await _db.Jobs.UpdateTaskProgressAsync(tasks[1].Id, Owner, 11, 4, 1_000, 0);

        var cancelled = await _db.Jobs.CancelAsync(job.Id);

        Assert.Equal((14, 21, 4_900L, 0L, JobStatus.Cancelled), Totals(cancelled!));
        Assert.Equal(new[] { "done", "cancelled" }, (await _db.Jobs.GetTasksAsync(job.Id)).Select(t => t.Status));
        Assert.False(await RenewAsync(tasks[1].Id, Owner, TimeSpan.FromMinutes(1))); // the running window stops
        Assert.Equal(cancelled, await _db.Jobs.CancelAsync(job.Id)); // cancelling again changes nothing
        Assert.Null(await _db.Jobs.CancelAsync(Guid.NewGuid()));

        var (reopenedJob, reopened) = (await _db.Jobs.RetryAsync(job.Id))!.Value;
        Assert.Equal(JobStatus.Running, reopenedJob.Status); // open again, one window already done
        Assert.Equal(new[] { tasks[1].Id }, reopened.Select(t => t.Id));
        Assert.Equal(("pending", 0), (reopened[0].Status, reopened[0].Attempts));
        Assert.Empty((await _db.Jobs.RetryAsync(job.Id))!.Value.Reopened); // open again: nothing to retry
        Assert.Null(await _db.Jobs.RetryAsync(Guid.NewGuid()));

        // A job whose request another open job took over cannot be reopened alongside it.
        await _db.Jobs.CancelAsync(job.Id);
        var other = await CreateAsync();
        Assert.True(other.Created);
        Assert.Empty((await _db.Jobs.RetryAsync(job.Id))!.Value.Reopened);
        Assert.Equal(JobStatus.Cancelled, (await _db.Jobs.GetAsync(job.Id))!.Status);
    }

    [Fact]
    public async Task Progress_and_completions_recompute_the_job_totals_and_the_last_completion_succeeds_the_job()
    {
        var (job, tasks, _) = await CreateAsync();
        await ClaimAsync(tasks[0].Id);

        var progress = (await _db.Jobs.UpdateTaskProgressAsync(tasks[0].Id, Owner, 10, 4, 1_000, 3))!;
        var completed = (await _db.Jobs.CompleteTaskAsync(tasks[0].Id, Owner, 10, 3_900, 5))!;
        var redelivered = await _db.Jobs.CompleteTaskAsync(tasks[0].Id, Owner, 10, 3_900, 5);
        var notOwner = await _db.Jobs.UpdateTaskProgressAsync(tasks[1].Id, "someone-else", 11, 4, 1_000, 0);
        await ClaimAsync(tasks[1].Id);
        var last = (await _db.Jobs.CompleteTaskAsync(tasks[1].Id, Owner, 11, 4_200, 0))!;

        Assert.Equal((4, 21, 1_000L, 3L, JobStatus.Running), Totals(progress));
        Assert.Equal((10, 21, 3_900L, 5L, JobStatus.Running), Totals(completed));
        Assert.Null(redelivered); // counted once: a done task is no longer anyone's
        Assert.Null(notOwner); // only the lease's owner changes a task
        Assert.Equal((21, 21, 8_100L, 5L, JobStatus.Succeeded), Totals(last));
        Assert.True(last.IsFinished);
        Assert.Null(last.Error);
        Assert.Equal(last, await _db.Jobs.GetAsync(job.Id));
        Assert.Null(await ClaimAsync(tasks[1].Id));
    }

    [Fact]
    public async Task Tasks_completed_concurrently_still_add_up_and_succeed_their_job()
    {
        // Workers finishing the windows of one job at the same moment: each completion recomputes
        // the job from its tasks, and the last one must see all the others.
        var windows = Enumerable.Range(0, 8).Select(i => new JobWindow(Start.AddDays(i), Start.AddDays(i), 1)).ToArray();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var (job, tasks, _) = await _db.Jobs.CreateOrGetActiveAsync("backfill", $"C{attempt}", Start, Start.AddDays(7), "iex", windows);
            foreach (var task in tasks) await ClaimAsync(task.Id);

            await Task.WhenAll(tasks.Select(task => Task.Run(() => _db.Jobs.CompleteTaskAsync(task.Id, Owner, 1, 100, 1))));

            var finished = await _db.Jobs.GetAsync(job.Id);
            Assert.Equal((8, 8, 800L, 8L, JobStatus.Succeeded), Totals(finished!));
        }
    }

    [Fact]
    public async Task A_late_progress_update_does_not_undo_a_completed_task()
    {
        var (job, tasks, _) = await CreateAsync();
        await ClaimAsync(tasks[0].Id);
        var completed = (await _db.Jobs.CompleteTaskAsync(tasks[0].Id, Owner, 10, 3_900, 5))!;

        // A progress update overtaken by the completion arrives after it.
        var late = await _db.Jobs.UpdateTaskProgressAsync(tasks[0].Id, Owner, 10, 6, 2_000, 1);

        Assert.Null(late);
        Assert.Equal(Totals(completed), Totals((await _db.Jobs.GetAsync(job.Id))!));
        Assert.Equal("done", (await _db.Jobs.GetTasksAsync(job.Id))[0].Status);
    }

    [Fact]
    public async Task The_sweeper_takes_only_unsent_due_and_lapsed_windows_once_never_those_waiting_in_the_queue()
    {
        var unsent = await CreateAsync("AAA");              // the gateway could not publish
        var queued = await CreateAsync("BBB");              // sent, waiting behind busy workers
        var lapsed = await CreateAsync("CCC");              // its agent died mid-window
        var backingOff = await CreateAsync("DDD");          // failed once, retry due later
        var cancelled = await CreateAsync("EEE");
        await _db.Jobs.MarkPublishedAsync([.. queued.Tasks.Select(t => t.Id), .. lapsed.Tasks.Select(t => t.Id), .. backingOff.Tasks.Select(t => t.Id)]);
        await _db.Jobs.ClaimTaskAsync(lapsed.Tasks[0].Id, "dead-agent", TimeSpan.FromMilliseconds(1));
        await ClaimAsync(backingOff.Tasks[0].Id);
        await _db.Jobs.RecordFailureAsync(backingOff.Tasks[0].Id, Owner, "500", DateTimeOffset.UtcNow.AddHours(1));
        await _db.Jobs.CancelAsync(cancelled.Job.Id);
        await Task.Delay(50);

        var concurrent = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => _db.Jobs.TakeDueTasksAsync(TimeSpan.Zero))));
        var due = concurrent.SelectMany(list => list).ToList();

        Assert.Equal(new[] { unsent.Tasks[0].Id, unsent.Tasks[1].Id, lapsed.Tasks[0].Id }.Order(), due.Select(t => t.Id).Order());
        Assert.All(due, task => Assert.Equal(("pending", null), (task.Status, task.LeaseOwner)));
        Assert.Empty(await _db.Jobs.TakeDueTasksAsync(TimeSpan.Zero)); // taken once: marked sent
        // The unsent grace keeps the sweeper from racing a gateway that is still publishing.
        var fresh = await CreateAsync("FFF");
        Assert.Empty(await _db.Jobs.TakeDueTasksAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal(fresh.Tasks.Count, (await _db.Jobs.TakeDueTasksAsync(TimeSpan.Zero)).Count);
        // A back-off that is due is taken too.
        await _db.ExecuteAsync($"UPDATE job_tasks SET retry_at = now() WHERE id = '{backingOff.Tasks[0].Id}'");
        Assert.Equal(new[] { backingOff.Tasks[0].Id }, (await _db.Jobs.TakeDueTasksAsync(TimeSpan.Zero)).Select(t => t.Id));
    }

    [Fact]
    public async Task A_sweep_whose_sending_fails_leaves_its_windows_due_for_the_next_sweep_not_marked_sent()
    {
        var unsent = await CreateAsync("GGG");
        await Task.Delay(50);

        // The broker away (or the sweeper killed) while its messages go out: found by the chaos run.
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            _db.Jobs.TakeDueTasksAsync(TimeSpan.Zero, JobKinds.Backfill, (_, _) => throw new InvalidOperationException("broker away")));

        var sent = new List<Guid>();
        var due = await _db.Jobs.TakeDueTasksAsync(TimeSpan.Zero, JobKinds.Backfill, (tasks, _) =>
        {
            sent.AddRange(tasks.Select(t => t.Id));
            return Task.CompletedTask;
        });
        Assert.Equal(unsent.Tasks.Select(t => t.Id).Order(), due.Select(t => t.Id).Order());
        Assert.Equal(due.Select(t => t.Id), sent);
        Assert.Empty(await _db.Jobs.TakeDueTasksAsync(TimeSpan.Zero)); // sent this time: marked
    }

    [Fact]
    public async Task Jobs_are_listed_newest_first_and_filtered_by_status_and_symbol()
    {
        var spy1 = await CreateAsync("SPY", "iex");
        var qqq = await CreateAsync("QQQ", "iex");
        var spy2 = await CreateAsync("SPY", "sip");
        var spy3 = await CreateAsync("SPY", "delayed_sip");
        foreach (var task in spy2.Tasks)
        {
            await ClaimAsync(task.Id);
            await _db.Jobs.RecordFailureAsync(task.Id, Owner, "boom", null);
        }

        Assert.Equal(Ids(spy3, spy2, qqq, spy1), Ids(await _db.Jobs.ListAsync()));
        Assert.Equal(Ids(spy2), Ids(await _db.Jobs.ListAsync(JobStatus.Failed)));
        Assert.Equal(Ids(spy3, spy2, spy1), Ids(await _db.Jobs.ListAsync(symbol: "SPY")));
        Assert.Equal(Ids(spy3, spy1), Ids(await _db.Jobs.ListAsync(JobStatus.Queued, "SPY")));
        Assert.Equal(Ids(spy3, spy2), Ids(await _db.Jobs.ListAsync(limit: 2)));
        Assert.Empty(await _db.Jobs.ListAsync(JobStatus.Succeeded));
        Assert.Empty(await _db.Jobs.ListAsync(symbol: "IWM"));
        Assert.Equal(qqq.Job, await _db.Jobs.GetAsync(qqq.Job.Id));
        Assert.Null(await _db.Jobs.GetAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task A_job_of_several_symbols_has_a_task_per_symbol_and_window_and_is_the_same_job_in_any_order()
    {
        var first = await _db.Jobs.CreateOrGetActiveAsync("backfill", ["QQQ", "SPY", "AAPL", "SPY"], Start, End, "iex", Windows);
        var reordered = await _db.Jobs.CreateOrGetActiveAsync("backfill", ["SPY", "AAPL", "QQQ"], Start, End, "iex", Windows);
        var single = await CreateAsync("SPY");
        var many = Enumerable.Range(0, 300).Select(i => $"T{i:D3}").ToArray();
        var large = await _db.Jobs.CreateOrGetActiveAsync("backfill", many, Start, End, "iex", Windows);
        var largeAgain = await _db.Jobs.CreateOrGetActiveAsync("backfill", [.. many.Reverse()], Start, End, "iex", Windows);

        Assert.True(first.Created);
        Assert.False(reordered.Created);
        Assert.Equal(first.Job.Id, reordered.Job.Id);
        Assert.Equal("QQQ,SPY,AAPL", first.Job.Symbol);
        Assert.Equal(["QQQ", "SPY", "AAPL"], first.Job.Symbols);
        Assert.Equal(3 * 21, first.Job.SessionsTotal);
        // Window by window, so the tasks over the same dates go out (and are fetched) together.
        Assert.Equal(
            [("QQQ", Start), ("SPY", Start), ("AAPL", Start), ("QQQ", Windows[1].Start), ("SPY", Windows[1].Start), ("AAPL", Windows[1].Start)],
            first.Tasks.Select(t => (t.Symbol, t.Start)));
        Assert.True(single.Created); // one symbol is another request
        Assert.True(large.Created);
        Assert.Equal(600, large.Tasks.Count);
        Assert.False(largeAgain.Created); // a long list is keyed by its hash, in any order
        Assert.Equal(Ids(large, single, first), Ids(await _db.Jobs.ListAsync(symbol: null)));
        Assert.Equal(Ids(single, first), Ids(await _db.Jobs.ListAsync(symbol: "SPY")));
        Assert.Equal(Ids(first), Ids(await _db.Jobs.ListAsync(symbol: "AAPL")));
        Assert.Equal(Ids(large), Ids(await _db.Jobs.ListAsync(symbol: "T299")));
    }

    [Fact]
    public async Task A_backfill_keeps_the_datasets_it_fetches_and_counts_their_rows_and_other_datasets_are_another_job()
    {
        var bars = await CreateAsync();
        var ticks = await _db.Jobs.CreateOrGetActiveAsync("backfill", ["SPY"], Start, End, "iex", ["quotes", "trades", "trades"], Windows);
        var reordered = await _db.Jobs.CreateOrGetActiveAsync("backfill", ["SPY"], Start, End, "iex", ["trades", "quotes"], Windows);
        var barsNamed = await _db.Jobs.CreateOrGetActiveAsync("backfill", ["SPY"], Start, End, "iex", ["bars"], Windows);

        Assert.Equal(["bars"], bars.Job.Datasets);
        Assert.True(ticks.Created);
        Assert.Equal(["trades", "quotes"], ticks.Job.Datasets);
        Assert.All(ticks.Tasks, task => Assert.Equal(["trades", "quotes"], task.Datasets));
        Assert.Equal((false, ticks.Job.Id), (reordered.Created, reordered.Job.Id));
        Assert.Equal((false, bars.Job.Id), (barsNamed.Created, barsNamed.Job.Id));
        await Assert.ThrowsAsync<ArgumentException>(() => _db.Jobs.CreateOrGetActiveAsync("backfill", ["SPY"], Start, End, "iex", ["ticks"], Windows));

        await ClaimAsync(ticks.Tasks[0].Id);
        var progress = (await _db.Jobs.UpdateTaskProgressAsync(ticks.Tasks[0].Id, Owner, 10, 4, 0, 0, new TickCounts(500, 900)))!;
        Assert.Equal(new Dictionary<string, long> { ["trades"] = 500, ["quotes"] = 900 }, progress.RowsInserted);
        await _db.Jobs.CompleteTaskAsync(ticks.Tasks[0].Id, Owner, 10, 0, 0, new TickCounts(700, 1_000));
        await ClaimAsync(ticks.Tasks[1].Id);
        var done = (await _db.Jobs.CompleteTaskAsync(ticks.Tasks[1].Id, Owner, 11, 0, 0, new TickCounts(300, 0)))!;
        Assert.Equal((JobStatus.Succeeded, 1_000L, 1_000L), (done.Status, done.TradesInserted, done.QuotesInserted));
        Assert.Equal(new Dictionary<string, long> { ["trades"] = 1_000, ["quotes"] = 1_000 }, done.RowsInserted);
        Assert.Equal(done, await _db.Jobs.GetAsync(done.Id));
        Assert.Equal([700L, 300L], (await _db.Jobs.GetTasksAsync(done.Id)).Select(task => task.TradesInserted));
    }

    [Fact]
    public async Task A_corporate_actions_job_fetches_no_dataset_and_has_one_unit_per_symbol()
    {
        var (job, tasks, created) = await _db.Jobs.CreateOrGetActiveAsync(JobKinds.CorporateActions, ["SPY", "QQQ"], Start, End, JobKinds.CorporateActionsFeed, [],
            JobKinds.CorporateActionsWindows(Start, End));
        var again = await _db.Jobs.CreateOrGetActiveAsync(JobKinds.CorporateActions, ["QQQ", "SPY"], Start, End, JobKinds.CorporateActionsFeed, [],
            JobKinds.CorporateActionsWindows(Start, End));

        Assert.True(created);
        Assert.Equal(job.Id, again.Job.Id);
        Assert.Empty(job.Datasets);
        Assert.Empty(job.RowsInserted);
        Assert.Equal(2, job.SessionsTotal);
        Assert.Equal([("SPY", Start, End), ("QQQ", Start, End)], tasks.Select(task => (task.Symbol, task.Start, task.End)));
        Assert.All(tasks, task => Assert.Empty(task.Datasets));
    }

    [Fact]
    public async Task Renewing_many_leases_at_once_returns_those_still_held()
    {
        var (job, tasks, _) = await _db.Jobs.CreateOrGetActiveAsync("backfill", ["SPY", "QQQ"], Start, End, "iex", Windows);
        foreach (var task in tasks) await ClaimAsync(task.Id);
        await _db.Jobs.CompleteTaskAsync(tasks[0].Id, Owner, 10, 100, 0);
        await _db.Jobs.ClaimTaskAsync(tasks[1].Id, "other", TimeSpan.FromMinutes(1)); // held: not taken

        var held = await _db.Jobs.RenewLeasesAsync([.. tasks.Select(t => t.Id), Guid.NewGuid()], Owner, TimeSpan.FromMinutes(1));

        Assert.Equal(tasks.Skip(1).Select(t => t.Id).Order(), held.Order());
        await _db.Jobs.CancelAsync(job.Id);
        Assert.Empty(await _db.Jobs.RenewLeasesAsync([.. tasks.Select(t => t.Id)], Owner, TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task A_job_records_its_duration_once_when_it_succeeds_and_once_when_cancelled_never_while_open()
    {
        // A kind of this test's own: other test classes finish jobs in parallel, in this process.
        var kind = "duration-" + Guid.NewGuid().ToString("N")[..8];
        var recorded = new List<(double Seconds, string? Kind, string? Status)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "StockPlatform.Storage" && instrument.Name == "stockplatform.job.duration") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((_, seconds, tags, _) =>
        {
            var named = tags.ToArray().ToDictionary(tag => tag.Key, tag => tag.Value as string);
            if (named.GetValueOrDefault("kind") == kind) lock (recorded) recorded.Add((seconds, named["kind"], named.GetValueOrDefault("status")));
        });
        listener.Start();

        var (done, tasks, _) = await _db.Jobs.CreateOrGetActiveAsync(kind, "SPY", Start, End, "iex", Windows);
        await ClaimAsync(tasks[0].Id);
        await ClaimAsync(tasks[1].Id);
        await _db.Jobs.CompleteTaskAsync(tasks[0].Id, Owner, 10, 100, 0);
        Assert.Empty(recorded);
        await _db.Jobs.CompleteTaskAsync(tasks[1].Id, Owner, 11, 100, 0);
        await _db.Jobs.CompleteTaskAsync(tasks[1].Id, Owner, 11, 100, 0); // a redelivered completion
        await _db.Jobs.CancelAsync(done.Id); // too late: it succeeded

        var (cancelled, _, _) = await _db.Jobs.CreateOrGetActiveAsync(kind, "QQQ", Start, End, "iex", Windows);
        await _db.Jobs.CancelAsync(cancelled.Id);
        await _db.Jobs.CancelAsync(cancelled.Id);

        var succeeded = (await _db.Jobs.GetAsync(done.Id))!;
        Assert.Equal([(kind, "succeeded"), (kind, "cancelled")], recorded.Select(r => (r.Kind, r.Status)));
        Assert.Equal((succeeded.UpdatedAt - succeeded.CreatedAt).TotalSeconds, recorded[0].Seconds, 6);
        Assert.All(recorded, r => Assert.True(r.Seconds >= 0));
    }

    private const string Owner = "test-agent";

    private async Task<bool> RenewAsync(Guid taskId, string owner, TimeSpan lease) =>
        (await _db.Jobs.RenewLeasesAsync([taskId], owner, lease)).Contains(taskId);

    private Task<JobTask?> ClaimAsync(Guid taskId) => _db.Jobs.ClaimTaskAsync(taskId, Owner, TimeSpan.FromMinutes(1));

    private Task<(Job Job, IReadOnlyList<JobTask> Tasks, bool Created)> CreateAsync(string symbol = "SPY", string feed = "iex") =>
        _db.Jobs.CreateOrGetActiveAsync("backfill", symbol, Start, End, feed, Windows);

    private static (int Done, int Total, long Inserted, long Corrected, JobStatus Status) Totals(Job job) =>
        (job.SessionsDone, job.SessionsTotal, job.BarsInserted, job.BarsCorrected, job.Status);

    private static Guid[] Ids(params (Job Job, IReadOnlyList<JobTask> Tasks, bool Created)[] jobs) => [.. jobs.Select(j => j.Job.Id)];

    private static Guid[] Ids(IEnumerable<Job> jobs) => [.. jobs.Select(j => j.Id)];
}
