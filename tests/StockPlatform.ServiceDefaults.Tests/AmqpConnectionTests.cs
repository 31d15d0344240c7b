using StockPlatform.ServiceDefaults.Messaging;

namespace StockPlatform.ServiceDefaults.Tests;

public class AmqpConnectionTests
{
    [Fact]
    public void An_aspire_style_uri_gives_host_port_credentials_and_the_default_vhost()
    {
        var amqp = AmqpConnection.Parse("amqp://guest:s3cr%40t@rabbit.local:5673");

        Assert.Equal("rabbit.local", amqp.Host);
        Assert.Equal(5673, amqp.Port);
        Assert.Equal("guest", amqp.UserName);
        Assert.Equal("s3cr@t", amqp.Password);
        Assert.Equal("/", amqp.VirtualHost);
        Assert.False(amqp.UseTls);
    }

    [Theory]
    [InlineData("amqp://u:p@h/", 5672, "/")]
    [InlineData("amqp://u:p@h/stocks", 5672, "stocks")]
    [InlineData("amqp://u:p@h/%2Fprod", 5672, "/prod")]
    [InlineData("amqps://u:p@h", 5671, "/")]
    public void Default_ports_and_encoded_vhosts_follow_the_amqp_uri_spec(string uri, int port, string vhost)
    {
        var amqp = AmqpConnection.Parse(uri);

        Assert.Equal(port, amqp.Port);
        Assert.Equal(vhost, amqp.VirtualHost);
    }

    [Theory]
    [InlineData("not a uri")]
    [InlineData("http://u:p@h:5672")]
    [InlineData("")]
    public void A_malformed_connection_string_is_rejected_with_a_message_naming_the_setting(string value)
    {
        var error = Assert.Throws<FormatException>(() => AmqpConnection.Parse(value));

        Assert.Contains("ConnectionStrings:messaging", error.Message);
    }

    [Fact]
    public void The_printable_form_never_contains_the_password()
    {
        var amqp = AmqpConnection.Parse("amqp://user:topsecret@host:5672/vh");

        Assert.DoesNotContain("topsecret", amqp.ToString());
        Assert.Equal("amqp://host:5672/vh", amqp.ToString());
    }

    [Fact]
    public void A_rejected_scheme_does_not_echo_the_password()
    {
        var error = Assert.Throws<FormatException>(() => AmqpConnection.Parse("http://user:topsecret@host"));

        Assert.DoesNotContain("topsecret", error.Message);
    }
}
