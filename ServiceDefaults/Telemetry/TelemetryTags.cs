namespace StockPlatform.ServiceDefaults.Telemetry;

/// <summary>
/// Names of the attributes our spans carry and the tags our metrics carry, in one place so every
/// service spells them alike (and the dashboard's filters find them). Spans may carry per-symbol
/// and per-job values; metrics only the bounded ones (<see cref="Source"/>, <see cref="Queue"/>,
/// <see cref="JobKind"/>, <see cref="JobStatus"/>, <see cref="AlpacaEndpoint"/>, HTTP status).
/// </summary>
public static class TelemetryTags
{
    /// <summary>One ticker (a span about one symbol).</summary>
    public const string Symbol = "stockplatform.symbol";

    /// <summary>The tickers of a span about several (an array, capped at <see cref="MaxListed"/>).</summary>
    public const string Symbols = "stockplatform.symbols";

    /// <summary>The job a span works for.</summary>
    public const string JobId = "stockplatform.job_id";

    /// <summary>The jobs a batch span works for (an array).</summary>
    public const string JobIds = "stockplatform.job_ids";

    /// <summary>Alpaca's data feed (iex, sip).</summary>
    public const string Feed = "stockplatform.feed";

    /// <summary>A page's number within its request, from 1.</summary>
    public const string Page = "stockplatform.page";

    /// <summary>Bars a span handled (a page's, an upsert's, a batch's).</summary>
    public const string Bars = "stockplatform.bars";

    /// <summary>Rows an upsert inserted.</summary>
    public const string RowsInserted = "stockplatform.rows.inserted";

    /// <summary>Rows an upsert corrected (replaced with different values).</summary>
    public const string RowsCorrected = "stockplatform.rows.corrected";

    /// <summary>Rows an upsert found identical and left alone.</summary>
    public const string RowsUnchanged = "stockplatform.rows.unchanged";

    /// <summary>Rows a span wrote (feature rows, partition rows).</summary>
    public const string Rows = "stockplatform.rows";

    /// <summary>Trading sessions a span covers.</summary>
    public const string Sessions = "stockplatform.sessions";

    /// <summary>One trading session (New York date, yyyy-MM-dd).</summary>
    public const string Session = "stockplatform.session";

    /// <summary>The first bar a refresh recomputes from (ISO 8601).</summary>
    public const string ChangedFrom = "stockplatform.changed_from";

    /// <summary>The start of a time range a span covers (ISO 8601).</summary>
    public const string From = "stockplatform.from";

    /// <summary>The end of a time range a span covers (ISO 8601).</summary>
    public const string To = "stockplatform.to";

    /// <summary>Date windows (job tasks) a span covers.</summary>
    public const string Windows = "stockplatform.windows";

    /// <summary>Alpaca requests a plan makes.</summary>
    public const string Requests = "stockplatform.requests";

    /// <summary>A feature set's name.</summary>
    public const string FeatureSet = "stockplatform.feature_set";

    /// <summary>A feature set's version.</summary>
    public const string FeatureSetVersion = "stockplatform.feature_set.version";

    /// <summary>An archive dataset (bars, features:core:1).</summary>
    public const string Dataset = "stockplatform.dataset";

    /// <summary>Bytes a span wrote.</summary>
    public const string Bytes = "stockplatform.bytes";

    /// <summary>Metric tag: where bars came from, <c>backfill</c> or <c>live</c>.</summary>
    public const string Source = "source";

    /// <summary>Metric tag: a RabbitMQ queue's name.</summary>
    public const string Queue = "queue";

    /// <summary>Metric tag: a job's kind (backfill, feature-rebuild).</summary>
    public const string JobKind = "kind";

    /// <summary>Metric tag: a job's final status (succeeded, failed, cancelled).</summary>
    public const string JobStatus = "status";

    /// <summary>Metric tag: which Alpaca endpoint a call went to (bars, calendar, corporate-actions).</summary>
    public const string AlpacaEndpoint = "stockplatform.alpaca.endpoint";

    /// <summary>Metric tag: a live bar's kind, <c>new</c> or <c>updated</c>.</summary>
    public const string BarKind = "stockplatform.bar.kind";

    /// <summary>The standard attribute for an HTTP status code.</summary>
    public const string HttpStatusCode = "http.response.status_code";

    /// <summary>The standard attribute for the kind of error when there is no status to tell it.</summary>
    public const string ErrorType = "error.type";

    /// <summary>Most entries an array attribute lists (a job may name a thousand symbols).</summary>
    public const int MaxListed = 50;

    /// <summary>At most <see cref="MaxListed"/> of <paramref name="values"/>, for an array attribute.</summary>
    public static string[] Listed(IEnumerable<string> values) => values.Take(MaxListed).ToArray();
}
