using System.ComponentModel.DataAnnotations;

namespace StockPlatform.ServiceDefaults.Logging.Shipping;

/// <summary>
/// Shipping logs to the central log store (section <c>Logging:Database</c>, which also holds the
/// provider's own <c>LogLevel</c> filters: <c>Logging:Database:LogLevel:Default</c>).
/// </summary>
public sealed class LogShippingOptions : IValidatableObject
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Logging:Database";

    /// <summary>Ship logs at all (read when the service starts).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Records held while the store cannot keep up or is unreachable. When full, the oldest
    /// record is dropped for each new one, and counted.
    /// </summary>
    [Range(100, 10_000_000)]
    public int Capacity { get; set; } = 50_000;

    /// <summary>Most records written in one batch.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 10_000;

    /// <summary>Longest a record waits for its batch to fill before the batch is written anyway.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The wait after the first failed write; it doubles with each further failure.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one write may take before it counts as failed.</summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a clean shutdown spends writing what is still queued.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        static ValidationResult? Check(TimeSpan value, string name, TimeSpan min, TimeSpan max) =>
            value < min || value > max ? new ValidationResult($"{SectionName}:{name} must be from {min} to {max}.", [name]) : null;

        ValidationResult?[] results =
        [
            Check(FlushInterval, nameof(FlushInterval), TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1)),
            Check(RetryBaseDelay, nameof(RetryBaseDelay), TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(10)),
            Check(RetryMaxDelay, nameof(RetryMaxDelay), RetryBaseDelay, TimeSpan.FromHours(1)),
            Check(WriteTimeout, nameof(WriteTimeout), TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10)),
            Check(ShutdownTimeout, nameof(ShutdownTimeout), TimeSpan.Zero, TimeSpan.FromMinutes(5)),
        ];
        return results.OfType<ValidationResult>();
    }
}
