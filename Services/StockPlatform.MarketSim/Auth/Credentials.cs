using StockPlatform.MarketSim.Options;

namespace StockPlatform.MarketSim.Auth;

/// <summary>Outcome of checking a key pair.</summary>
internal enum CredentialCheck
{
    /// <summary>The pair is good.</summary>
    Accepted,

    /// <summary>Key id or secret is absent or empty.</summary>
    Missing,

    /// <summary>Both are present but not the configured pair.</summary>
    Rejected,
}

/// <summary>Alpaca's API-key pair, checked the same way for REST headers, stream headers and the stream's auth message.</summary>
internal static class Credentials
{
    public const string KeyIdHeader = "APCA-API-KEY-ID";
    public const string SecretKeyHeader = "APCA-API-SECRET-KEY";

    public static CredentialCheck Check(MarketSimOptions options, string? keyId, string? secretKey)
    {
        if (string.IsNullOrEmpty(keyId) || string.IsNullOrEmpty(secretKey)) return CredentialCheck.Missing;
        if (!options.RequiresExactCredentials) return CredentialCheck.Accepted;
        return FixedTimeEquals(keyId, options.KeyId!) && FixedTimeEquals(secretKey, options.SecretKey!)
            ? CredentialCheck.Accepted
            : CredentialCheck.Rejected;
    }

    // Constant time, like a real API should compare secrets; a simulator is a fine place to show how.
    private static bool FixedTimeEquals(string a, string b) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(a), System.Text.Encoding.UTF8.GetBytes(b));
}
