using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace StockPlatform.IntegrationTests.Gateway;

/// <summary>
/// The gateway hosted in the test process on a database of the test's own and the run's broker,
/// with its API key and a queue prefix of its own (so gateways of other tests do not share its
/// queues), plus whatever settings the test adds.
/// </summary>
internal static class InProcessGateway
{
    public static WebApplicationFactory<Program> Create(string connectionString, string prefix, string apiKey, params (string Key, string Value)[] settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:stockplatform", connectionString);
            web.UseSetting("ConnectionStrings:messaging", TestServers.MessagingConnectionString);
            var unique = prefix + Guid.NewGuid().ToString("N")[..8];
            web.UseSetting("Messaging:EndpointPrefix", unique);
            web.UseSetting("Messaging:Namespace", unique);
            web.UseSetting("GATEWAY_API_KEY", apiKey);
            foreach (var (key, value) in settings) web.UseSetting(key, value);
        });
}
