namespace StockPlatform.ServiceDefaults.Messaging;

/// <summary>
/// A RabbitMQ address parsed from the <c>amqp://user:pass@host:port/vhost</c> URI that Aspire
/// and our scripts put in <c>ConnectionStrings:messaging</c>.
/// </summary>
public sealed record AmqpConnection(string Host, int Port, string VirtualHost, string UserName, string Password, bool UseTls)
{
    /// <summary>Parses the URI; throws <see cref="FormatException"/> naming the rule broken (never echoing the password).</summary>
    public static AmqpConnection Parse(string connectionString)
    {
        if (!Uri.TryCreate(connectionString?.Trim(), UriKind.Absolute, out var uri))
            throw new FormatException("ConnectionStrings:messaging must be an absolute amqp://user:pass@host:port/vhost URI.");

        var useTls = uri.Scheme switch
        {
            "amqp" or "rabbitmq" => false,
            "amqps" or "rabbitmqs" => true,
            _ => throw new FormatException($"ConnectionStrings:messaging must use the amqp or amqps scheme, not '{uri.Scheme}'."),
        };
        if (string.IsNullOrEmpty(uri.Host))
            throw new FormatException("ConnectionStrings:messaging has no host.");

        var (user, password) = SplitUserInfo(uri.UserInfo);
        var port = uri.IsDefaultPort || uri.Port <= 0 ? (useTls ? 5671 : 5672) : uri.Port;

        // "/" and "" both mean the default vhost; anything else is URL-encoded after the first slash.
        var path = uri.AbsolutePath.TrimStart('/');
        var virtualHost = path.Length == 0 ? "/" : Uri.UnescapeDataString(path);

        return new AmqpConnection(uri.Host, port, virtualHost, user, password, useTls);
    }

    private static (string User, string Password) SplitUserInfo(string userInfo)
    {
        if (string.IsNullOrEmpty(userInfo)) return ("guest", "guest");
        var colon = userInfo.IndexOf(':');
        return colon < 0
            ? (Uri.UnescapeDataString(userInfo), string.Empty)
            : (Uri.UnescapeDataString(userInfo[..colon]), Uri.UnescapeDataString(userInfo[(colon + 1)..]));
    }

    /// <summary>The address without credentials, safe to log.</summary>
    public override string ToString() =>
        $"{(UseTls ? "amqps" : "amqp")}://{Host}:{Port}/{(VirtualHost == "/" ? string.Empty : Uri.EscapeDataString(VirtualHost))}";
}
