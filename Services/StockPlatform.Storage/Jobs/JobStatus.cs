namespace StockPlatform.Storage.Jobs;

/// <summary>A job's state; stored and served in lower case.</summary>
public enum JobStatus
{
    /// <summary>Accepted, no task started yet.</summary>
    Queued,

    /// <summary>At least one task started.</summary>
    Running,

    /// <summary>Every task done.</summary>
    Succeeded,

    /// <summary>Stopped for good; <see cref="Job.Error"/> says why.</summary>
    Failed,
}
