using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace StockPlatform.ServiceDefaults.Logging;

internal static class LoggingExtensions
{
    /// <summary>
    /// Console logs as JSON lines. <c>Logging:Console:FormatterName=simple</c> switches back to
    /// the human-readable form for a developer who prefers it.
    /// </summary>
    public static IHostApplicationBuilder AddJsonConsoleLogging(this IHostApplicationBuilder builder)
    {
        builder.Logging.AddConsole();
        builder.Logging.AddConsoleFormatter<JsonLineConsoleFormatter, ConsoleFormatterOptions>();
        builder.Services.Configure<ConsoleLoggerOptions>(options =>
            options.FormatterName = builder.Configuration["Logging:Console:FormatterName"] ?? JsonLineConsoleFormatter.FormatterName);
        return builder;
    }
}
