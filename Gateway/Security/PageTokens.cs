using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using StockPlatform.Gateway.Extensions;

namespace StockPlatform.Gateway.Security;

/// <summary>
/// Page tokens: where the next page starts (which part of the query, such as the symbol of a
/// multi-symbol read, and the time within it; for a newest-first read of rows, the time and id
/// of the last row sent; for trades and quotes, the last row's nanosecond and its tie-breakers),
/// bound to the query that issued it. A token is opaque
/// (base64url) and tamper-evident: it carries an HMAC over its position and the query's scope
/// (symbol, interval, session, anchor, end), so a token edited, forged, or replayed against
/// another query is refused.
/// </summary>
public sealed class PageTokens
{
    private const byte Version = 1;
    private const byte KeysetVersion = 2;
    private const byte RowVersion = 3;
    private const int MacLength = 16;
    private const int PayloadLength = 1 + 4 + 8;
    private const int KeysetPayloadLength = 1 + 8 + 8;
    private const int RowPayloadLength = 1 + 8 + 8 + 1;

    /// <summary>Longest tie-breaking key a row token carries, in UTF-8 bytes (exchange codes are at most four characters).</summary>
    public const int MaxRowKeyBytes = 32;
    private readonly byte[] _key;

    /// <summary>Reads the signing key from <see cref="GatewayOptions.PageTokenKey"/>, or makes a random one.</summary>
    public PageTokens(IOptions<GatewayOptions> options)
    {
        var configured = options.Value.PageTokenKey;
        if (string.IsNullOrWhiteSpace(configured))
        {
            _key = RandomNumberGenerator.GetBytes(32);
            return;
        }
        var decoded = new byte[configured.Length];
        _key = Convert.TryFromBase64String(configured.Trim(), decoded, out var length) && length >= 32
            ? decoded[..length]
            : throw new OptionsValidationException(GatewayOptions.SectionName, typeof(GatewayOptions),
                ["Gateway:PageTokenKey must be base64 of at least 32 bytes (for example: openssl rand -base64 32)."]);
    }

    /// <summary>A token resuming <paramref name="scope"/> at part <paramref name="part"/>, time <paramref name="resumeAt"/>.</summary>
    public string Issue(string scope, int part, DateTimeOffset resumeAt)
    {
        Span<byte> token = stackalloc byte[PayloadLength + MacLength];
        token[0] = Version;
        BinaryPrimitives.WriteInt32BigEndian(token[1..], part);
        BinaryPrimitives.WriteInt64BigEndian(token[5..], resumeAt.UtcTicks);
        Sign(token[..PayloadLength], scope, token[PayloadLength..]);
        return Base64Url.EncodeToString(token);
    }

    /// <summary>The position of a token this API issued for exactly this scope; false for anything else.</summary>
    public bool TryRead(string token, string scope, out int part, out DateTimeOffset resumeAt)
    {
        part = 0;
        resumeAt = default;
        Span<byte> bytes = stackalloc byte[PayloadLength + MacLength];
        if (token.Length > 64 || !Base64Url.IsValid(token, out var length) || length != bytes.Length) return false;
        if (Base64Url.DecodeFromChars(token, bytes) != bytes.Length || bytes[0] != Version) return false;
        Span<byte> expected = stackalloc byte[MacLength];
        Sign(bytes[..PayloadLength], scope, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes[PayloadLength..])) return false;
        var ticks = BinaryPrimitives.ReadInt64BigEndian(bytes[5..]);
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks) return false;
        part = BinaryPrimitives.ReadInt32BigEndian(bytes[1..]);
        resumeAt = new DateTimeOffset(ticks, TimeSpan.Zero);
        return part >= 0;
    }

    /// <summary>A token resuming a newest-first read of <paramref name="scope"/> after the row at (<paramref name="at"/>, <paramref name="id"/>).</summary>
    public string IssueKeyset(string scope, DateTimeOffset at, long id)
    {
        Span<byte> token = stackalloc byte[KeysetPayloadLength + MacLength];
        token[0] = KeysetVersion;
        BinaryPrimitives.WriteInt64BigEndian(token[1..], id);
        BinaryPrimitives.WriteInt64BigEndian(token[9..], at.UtcTicks);
        Sign(token[..KeysetPayloadLength], scope, token[KeysetPayloadLength..]);
        return Base64Url.EncodeToString(token);
    }

    /// <summary>The row position of a keyset token this API issued for exactly this scope; false for anything else.</summary>
    public bool TryReadKeyset(string token, string scope, out DateTimeOffset at, out long id)
    {
        at = default;
        id = 0;
        Span<byte> bytes = stackalloc byte[KeysetPayloadLength + MacLength];
        if (token.Length > 64 || !Base64Url.IsValid(token, out var length) || length != bytes.Length) return false;
        if (Base64Url.DecodeFromChars(token, bytes) != bytes.Length || bytes[0] != KeysetVersion) return false;
        Span<byte> expected = stackalloc byte[MacLength];
        Sign(bytes[..KeysetPayloadLength], scope, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes[KeysetPayloadLength..])) return false;
        var ticks = BinaryPrimitives.ReadInt64BigEndian(bytes[9..]);
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks) return false;
        id = BinaryPrimitives.ReadInt64BigEndian(bytes[1..]);
        at = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }

    /// <summary>
    /// A token resuming a read of <paramref name="scope"/> just past the row at
    /// <paramref name="unixNanoseconds"/> whose tie-breakers are <paramref name="key"/> (at most
    /// <see cref="MaxRowKeyBytes"/> bytes of UTF-8) and <paramref name="id"/>, such as a trade's
    /// exchange and id or a quote's position among the quotes of its nanosecond.
    /// </summary>
    public string IssueRow(string scope, long unixNanoseconds, string key, long id)
    {
        var keyLength = Encoding.UTF8.GetByteCount(key);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(keyLength, MaxRowKeyBytes, nameof(key));
        Span<byte> token = stackalloc byte[RowPayloadLength + MaxRowKeyBytes + MacLength];
        token[0] = RowVersion;
        BinaryPrimitives.WriteInt64BigEndian(token[1..], unixNanoseconds);
        BinaryPrimitives.WriteInt64BigEndian(token[9..], id);
        token[17] = (byte)keyLength;
        Encoding.UTF8.GetBytes(key, token[RowPayloadLength..]);
        var payload = RowPayloadLength + keyLength;
        Sign(token[..payload], scope, token[payload..(payload + MacLength)]);
        return Base64Url.EncodeToString(token[..(payload + MacLength)]);
    }

    /// <summary>The row position of a row token this API issued for exactly this scope; false for anything else.</summary>
    public bool TryReadRow(string token, string scope, out long unixNanoseconds, out string key, out long id)
    {
        unixNanoseconds = 0;
        key = string.Empty;
        id = 0;
        Span<byte> bytes = stackalloc byte[RowPayloadLength + MaxRowKeyBytes + MacLength];
        if (token.Length > 128 || !Base64Url.IsValid(token, out var length) || length < RowPayloadLength + MacLength || length > bytes.Length) return false;
        if (Base64Url.DecodeFromChars(token, bytes) != length || bytes[0] != RowVersion) return false;
        var payload = RowPayloadLength + bytes[17];
        if (payload + MacLength != length) return false;
        Span<byte> expected = stackalloc byte[MacLength];
        Sign(bytes[..payload], scope, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes[payload..length])) return false;
        unixNanoseconds = BinaryPrimitives.ReadInt64BigEndian(bytes[1..]);
        id = BinaryPrimitives.ReadInt64BigEndian(bytes[9..]);
        key = Encoding.UTF8.GetString(bytes[RowPayloadLength..payload]);
        return true;
    }

    private void Sign(ReadOnlySpan<byte> payload, string scope, Span<byte> mac)
    {
        var scopeBytes = Encoding.UTF8.GetBytes(scope);
        var message = new byte[payload.Length + scopeBytes.Length];
        payload.CopyTo(message);
        scopeBytes.CopyTo(message.AsSpan(payload.Length));
        Span<byte> full = stackalloc byte[32];
        HMACSHA256.HashData(_key, message, full);
        full[..mac.Length].CopyTo(mac);
    }
}
