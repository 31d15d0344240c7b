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
    public async Task Starting_a_task_marks_it_and_its_job_running_and_a_done_task_cannot_start_again()
    {
        var (job, tasks, _) = await CreateAsync();

        var started = await _db.Jobs.StartTaskAsync(tasks[0].Id);
        var redelivered = await _db.Jobs.StartTaskAsync(tasks[0].Id);
        await _db.Jobs.CompleteTaskAsync(tasks[0].Id, 10, 3_900, 0);

        Assert.Equal(("running", 1), (started!.Status, started.Attempts));
        Assert.Equal(("running", 2), (redelivered!.Status, redelivered.Attempts));
        Assert.Equal(JobStatus.Running, (await _db.Jobs.GetAsync(job.Id))!.Status);
        Assert.Null(await _db.Jobs.StartTaskAsync(tasks[0].Id));
        Assert.Null(await _db.Jobs.StartTaskAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task Progress_and_completions_recompute_the_job_totals_and_the_last_completion_succeeds_the_job()
    {
        var (job, tasks, _) = await CreateAsync();
        await _db.Jobs.StartTaskAsync(tasks[0].Id);

        var progress = await _db.Jobs.UpdateTaskProgressAsync(tasks[0].Id, 10, 4, 1_000, 3);
        var completed = await _db.Jobs.CompleteTaskAsync(tasks[0].Id, 10, 3_900, 5);
        var redelivered = await _db.Jobs.CompleteTaskAsync(tasks[0].Id, 10, 3_900, 5);
        await _db.Jobs.StartTaskAsync(tasks[1].Id);
        var last = await _db.Jobs.CompleteTaskAsync(tasks[1].Id, 11, 4_200, 0);

        Assert.Equal((4, 21, 1_000L, 3L, JobStatus.Running), Totals(progress));
        Assert.Equal((10, 21, 3_900L, 5L, JobStatus.Running), Totals(completed));
        Assert.Equal(Totals(completed), Totals(redelivered)); // counted once
        Assert.Equal((21, 21, 8_100L, 5L, JobStatus.Succeeded), Totals(last));
        Assert.True(last.IsFinished);
        Assert.Null(last.Error);
        Assert.Equal(last, await _db.Jobs.GetAsync(job.Id));
        Assert.Null(await _db.Jobs.StartTaskAsync(tasks[1].Id));
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
            foreach (var task in tasks) await _db.Jobs.StartTaskAsync(task.Id);

            await Task.WhenAll(tasks.Select(task => Task.Run(() => _db.Jobs.CompleteTaskAsync(task.Id, 1, 100, 1))));

            var finished = await _db.Jobs.GetAsync(job.Id);
            Assert.Equal((8, 8, 800L, 8L, JobStatus.Succeeded), Totals(finished!));
        }
    }

    [Fact]
    public async Task A_late_progress_update_does_not_undo_a_completed_task()
    {
        var (job, tasks, _) = await CreateAsync();
        await _db.Jobs.StartTaskAsync(tasks[0].Id);
        var completed = await _db.Jobs.CompleteTaskAsync(tasks[0].Id, 10, 3_900, 5);

        // A progress message overtaken by the completion arrives after it.
        var late = await _db.Jobs.UpdateTaskProgressAsync(tasks[0].Id, 10, 6, 2_000, 1);

        Assert.Equal(Totals(completed), Totals(late));
        Assert.Equal(Totals(completed), Totals((await _db.Jobs.GetAsync(job.Id))!));
        Assert.Equal("done", (await _db.Jobs.GetTasksAsync(job.Id))[0].Status);
    }

    [Fact]
    public async Task Failing_a_job_records_the_reason_and_fails_its_open_tasks()
    {
        var (job, tasks, _) = await CreateAsync();
        await _db.Jobs.StartTaskAsync(tasks[0].Id);
        await _db.Jobs.CompleteTaskAsync(tasks[0].Id, 10, 3_900, 0);

        var failed = await _db.Jobs.FailAsync(job.Id, "SPX is not a symbol Alpaca knows");
        var lateCompletion = await _db.Jobs.CompleteTaskAsync(tasks[1].Id, 11, 100, 0);
        var failedAgain = await _db.Jobs.FailAsync(job.Id, "another reason");

        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Equal("SPX is not a symbol Alpaca knows", failed.Error);
        Assert.True(failed.IsFinished);
        Assert.Equal(new[] { "done", "failed" }, (await _db.Jobs.GetTasksAsync(job.Id)).Select(t => t.Status));
        Assert.Null(await _db.Jobs.StartTaskAsync(tasks[1].Id));
        Assert.Equal((10, 21, 3_900L, 0L, JobStatus.Failed), Totals(lateCompletion));
        Assert.Equal("SPX is not a symbol Alpaca knows", failedAgain.Error);
        await Assert.ThrowsAsync<InvalidOperationException>(() => _db.Jobs.FailAsync(Guid.NewGuid(), "no such job"));
        // A finished job no longer holds its key: asking again starts afresh.
        var again = await CreateAsync();
        Assert.True(again.Created);
        Assert.NotEqual(job.Id, again.Job.Id);
    }

    [Fact]
    public async Task Unfinished_tasks_are_the_open_tasks_of_open_jobs_oldest_job_first()
    {
        var partlyDone = await CreateAsync("AAA");
        var started = await CreateAsync("BBB");
        var failed = await CreateAsync("CCC");
        var succeeded = await CreateAsync("DDD");
        await _db.Jobs.StartTaskAsync(partlyDone.Tasks[0].Id);
        await _db.Jobs.CompleteTaskAsync(partlyDone.Tasks[0].Id, 10, 1, 0);
        await _db.Jobs.StartTaskAsync(started.Tasks[1].Id);
        await _db.Jobs.FailAsync(failed.Job.Id, "gave up");
        foreach (var task in succeeded.Tasks)
        {
            await _db.Jobs.StartTaskAsync(task.Id);
            await _db.Jobs.CompleteTaskAsync(task.Id, 1, 1, 0);
        }

        var unfinished = await _db.Jobs.GetUnfinishedTasksAsync();

        Assert.Equal(new[] { partlyDone.Tasks[1].Id, started.Tasks[0].Id, started.Tasks[1].Id }, unfinished.Select(t => t.Id));
        Assert.Equal(new[] { "pending", "pending", "running" }, unfinished.Select(t => t.Status));
        Assert.Equal(JobStatus.Succeeded, (await _db.Jobs.GetAsync(succeeded.Job.Id))!.Status);
    }

    [Fact]
    public async Task Jobs_are_listed_newest_first_and_filtered_by_status_and_symbol()
    {
        var spy1 = await CreateAsync("SPY", "iex");
        var qqq = await CreateAsync("QQQ", "iex");
        var spy2 = await CreateAsync("SPY", "sip");
        var spy3 = await CreateAsync("SPY", "delayed_sip");
        await _db.Jobs.FailAsync(spy2.Job.Id, "boom");

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

    private Task<(Job Job, IReadOnlyList<JobTask> Tasks, bool Created)> CreateAsync(string symbol = "SPY", string feed = "iex") =>
        _db.Jobs.CreateOrGetActiveAsync("backfill", symbol, Start, End, feed, Windows);

    private static (int Done, int Total, long Inserted, long Corrected, JobStatus Status) Totals(Job job) =>
        (job.SessionsDone, job.SessionsTotal, job.BarsInserted, job.BarsCorrected, job.Status);

    private static Guid[] Ids(params (Job Job, IReadOnlyList<JobTask> Tasks, bool Created)[] jobs) => [.. jobs.Select(j => j.Job.Id)];

    private static Guid[] Ids(IEnumerable<Job> jobs) => [.. jobs.Select(j => j.Id)];
}
