using Microsoft.Extensions.Options;
using StockPlatform.MarketData.Domain;

namespace StockPlatform.MarketSim.Options;

/// <summary>Start-up checks of <see cref="MarketSimOptions"/>, each naming the setting to fix.</summary>
internal sealed class MarketSimOptionsValidator : IValidateOptions<MarketSimOptions>
{
    public ValidateOptionsResult Validate(string? name, MarketSimOptions options)
    {
        var errors = new List<string>();
        const string S = MarketSimOptions.SectionName;

        if (string.IsNullOrEmpty(options.KeyId) != string.IsNullOrEmpty(options.SecretKey))
            errors.Add($"{S}:KeyId and {S}:SecretKey must be set together (or both left empty to accept any key).");
        foreach (var symbol in options.LiquidSymbols)
        {
            if (!Symbol.TryParse(symbol, out _, out var error)) errors.Add($"{S}:LiquidSymbols: {error}.");
        }
        if (options.InvalidSymbols.Any(string.IsNullOrWhiteSpace))
            errors.Add($"{S}:InvalidSymbols must not contain empty entries.");
        foreach (var feed in options.Feeds)
        {
            if (string.IsNullOrEmpty(feed) || !feed.All(c => c is (>= 'a' and <= 'z') or '_'))
                errors.Add($"{S}:Feeds: '{feed}' is not a feed name (lower-case letters and '_', e.g. iex, sip).");
        }

        if (options.RateLimit.RequestsPerWindow < 1)
            errors.Add($"{S}:RateLimit:RequestsPerWindow must be at least 1 (was {options.RateLimit.RequestsPerWindow}).");
        if (options.RateLimit.Window < TimeSpan.FromSeconds(1))
            errors.Add($"{S}:RateLimit:Window must be at least one second, since X-RateLimit-Reset has one-second resolution (was {options.RateLimit.Window}).");

        if (options.Faults.ErrorRate is < 0 or > 1 || double.IsNaN(options.Faults.ErrorRate))
            errors.Add($"{S}:Faults:ErrorRate must be between 0 and 1 (was {options.Faults.ErrorRate}).");
        if (options.Faults.Latency < TimeSpan.Zero)
            errors.Add($"{S}:Faults:Latency must not be negative (was {options.Faults.Latency}).");
        foreach (var (fault, value) in new[]
        {
            ("StreamDropAfter", options.Faults.StreamDropAfter), ("StreamSilenceAfter", options.Faults.StreamSilenceAfter),
            ("StreamSilenceFor", options.Faults.StreamSilenceFor), ("StreamSlowClientAfter", options.Faults.StreamSlowClientAfter),
        })
        {
            if (value is { } span && span <= TimeSpan.Zero) errors.Add($"{S}:Faults:{fault} must be positive when set (was {span}).");
        }

        if (!(options.Stream.Speed > 0) || double.IsInfinity(options.Stream.Speed))
            errors.Add($"{S}:Stream:Speed must be a positive number (was {options.Stream.Speed}).");
        if (options.Stream.MaxSymbols < 1)
            errors.Add($"{S}:Stream:MaxSymbols must be at least 1 (was {options.Stream.MaxSymbols}).");
        if (options.Stream.AuthTimeout <= TimeSpan.Zero)
            errors.Add($"{S}:Stream:AuthTimeout must be positive (was {options.Stream.AuthTimeout}).");
        if (options.Stream.SendQueueCapacity < 1)
            errors.Add($"{S}:Stream:SendQueueCapacity must be at least 1 (was {options.Stream.SendQueueCapacity}).");
        if (options.Stream.SendTimeout <= TimeSpan.Zero)
            errors.Add($"{S}:Stream:SendTimeout must be positive (was {options.Stream.SendTimeout}).");

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
