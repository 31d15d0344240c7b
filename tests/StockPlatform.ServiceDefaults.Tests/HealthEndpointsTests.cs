using Microsoft.AspNetCore.Http;
using StockPlatform.ServiceDefaults.Health;

namespace StockPlatform.ServiceDefaults.Tests;

public class HealthEndpointsTests
{
    [Theory]
    [InlineData("/health", true)]
    [InlineData("/alive", true)]
    [InlineData("/HEALTH", true)]
    [InlineData("/health/details", true)]
    [InlineData("/healthy-bars", false)]
    [InlineData("/bars/SPY", false)]
    [InlineData("/", false)]
    public void Only_the_health_endpoints_count_as_probes(string path, bool isProbe)
    {
        Assert.Equal(isProbe, HealthEndpoints.IsHealthProbe(new PathString(path)));
    }
}
