using Microsoft.Extensions.Configuration;
using StockPlatform.Frontend.Services;

namespace StockPlatform.Frontend.Tests;

public class ServiceHealthTests
{
    [Fact]
    public void Only_services_given_an_address_are_checked_in_a_fixed_order()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["services:marketsim:http:0"] = "",          // compose with Alpaca: left out, not down
            ["services:features:http:0"] = "http://features:8080",
            ["services:gateway:http:0"] = "http://gateway:8080",
            ["services:other:http:0"] = "http://other:8080", // not a platform service
        }).Build();
        var health = new ServiceHealth(null!, configuration);
        Assert.Equal(["gateway", "features"], health.Services);
    }
}
