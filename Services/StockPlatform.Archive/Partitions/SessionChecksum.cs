using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using StockPlatform.Archive.Query;
using StockPlatform.Storage.Bars;

namespace StockPlatform.Archive.Partitions;

/// <summary>
/// The SHA-256 of one session's minutes, independent of the file they live in: a month file's own
/// checksum changes whenever any of its sessions is rewritten, so the index keeps this per session
/// and verification recomputes it from the rows read back. Each minute is one line of
/// microseconds since the epoch and the values in invariant text, prices without padding zeros
/// (DECIMAL(18, 8) reads back 500.12 as 500.12000000; both hash alike).
/// </summary>
public static class SessionChecksum
{
    /// <summary>The checksum of <paramref name="minutes"/> (in time order).</summary>
    public static string Of(IEnumerable<StoredBar> minutes)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var line = new StringBuilder();
        foreach (var bar in minutes)
        {
            line.Clear().Append(CultureInfo.InvariantCulture, $"{MicrosTimestampField.MicrosOf(bar.Timestamp)},{Text(bar.Open)},{Text(bar.High)},{Text(bar.Low)},{Text(bar.Close)},{bar.Volume},{bar.TradeCount},{Text(bar.Vwap)}\n");
            hash.AppendData(Encoding.ASCII.GetBytes(line.ToString()));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static string Text(decimal value) => ArchivedMinutes.Trim(value).ToString(CultureInfo.InvariantCulture);
}
