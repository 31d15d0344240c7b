namespace StockPlatform.AppHost.Infrastructure;

/// <summary>
/// Ports and data directory of the local servers (section <c>Local</c>, e.g. <c>Local__PostgresPort</c>).
/// A port of 0 lets the AppHost pick a free one (the tests do).
/// </summary>
public sealed class LocalInfrastructureOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Local";

    /// <summary>Databases, broker state, logs and the generated passwords; <c>STOCKPLATFORM_DATA_DIR</c>, else <c>.data</c> in the repository.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>PostgreSQL (5433, so a system PostgreSQL on 5432 can stay).</summary>
    public int PostgresPort { get; set; } = 5433;

    /// <summary>RabbitMQ's AMQP listener.</summary>
    public int RabbitMqPort { get; set; } = 5672;

    /// <summary>RabbitMQ's management UI and HTTP API.</summary>
    public int RabbitMqManagementPort { get; set; } = 15672;

    /// <summary>Erlang distribution port of our node.</summary>
    public int RabbitMqDistributionPort { get; set; } = 25672;

    /// <summary>Our node's own epmd (not 4369, so a system RabbitMQ keeps its own).</summary>
    public int EpmdPort { get; set; } = 4370;

    /// <summary>Preload TimescaleDB when it is installed (<c>STOCKPLATFORM_TIMESCALE=off</c> turns it off).</summary>
    public string? Timescale { get; set; }
}
