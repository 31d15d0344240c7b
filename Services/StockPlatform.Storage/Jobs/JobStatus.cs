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

    /// <summary>Every task finished and at least one failed for good; <see cref="Job.Error"/> says why.</summary>
    Failed,

    /// <summary>Stopped on request; what its tasks stored stays.</summary>
    Cancelled,
}
