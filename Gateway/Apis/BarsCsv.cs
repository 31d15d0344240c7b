using System.Buffers;
using System.Globalization;
using System.Text;
using StockPlatform.Storage.Bars;

namespace StockPlatform.Gateway.Apis;

/// <summary>
/// CSV lines of bars formatted as UTF-8 straight into a pooled buffer that goes to the response
/// whenever it fills: no string per field or line (a year of minutes is a quarter of a million
/// lines), the same text <c>ToString(CultureInfo.InvariantCulture)</c> of every field gives.
/// </summary>
internal sealed class BarsCsv(Stream body) : IAsyncDisposable
{
    /// <summary>The header line of the bars' CSV.</summary>
    public const string Header = "symbol,timestamp,open,high,low,close,volume,trade_count,vwap,complete\n";

    // Longer than any line: a symbol, a timestamp, five decimals (29 digits, sign and point each) and two longs.
    private const int LongestLine = 512;
    private const int BufferSize = 64 * 1024;

    private readonly byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int _used;

    /// <summary>Queues the header line.</summary>
    public void WriteHeader() => _used += Encoding.UTF8.GetBytes(Header, _buffer);

    /// <summary>Queues one bar's line; <paramref name="symbol"/> is its symbol already in UTF-8.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> symbol, StoredBar bar, CancellationToken cancellationToken)
    {
        if (_buffer.Length - _used < LongestLine + symbol.Length) await FlushAsync(cancellationToken);
        var line = _buffer.AsSpan(_used);
        symbol.Span.CopyTo(line);
        var at = symbol.Length;
        line[at++] = (byte)',';
        at += Format(bar.Timestamp.UtcDateTime, line[at..], "yyyy-MM-dd'T'HH:mm:ss'Z'");
        at += Field(bar.Open, line[at..]);
        at += Field(bar.High, line[at..]);
        at += Field(bar.Low, line[at..]);
        at += Field(bar.Close, line[at..]);
        at += Field(bar.Volume, line[at..]);
        at += Field(bar.TradeCount, line[at..]);
        at += Field(bar.Vwap, line[at..]);
        line[at++] = (byte)',';
        at += Encoding.ASCII.GetBytes(bar.IsComplete ? "true\n" : "false\n", line[at..]);
        _used += at;
    }

    /// <summary>Sends what is queued.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_used == 0) return;
        await body.WriteAsync(_buffer.AsMemory(0, _used), cancellationToken);
        _used = 0;
        await body.FlushAsync(cancellationToken);
    }

    /// <summary>Returns the buffer to the pool (what is queued and not flushed is dropped: the response failed).</summary>
    public ValueTask DisposeAsync()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        return ValueTask.CompletedTask;
    }

    // A comma, then the value as InvariantCulture's ToString() writes it.
    private static int Field<T>(T value, Span<byte> destination) where T : IUtf8SpanFormattable
    {
        destination[0] = (byte)',';
        return 1 + Format(value, destination[1..], null);
    }

    private static int Format<T>(T value, Span<byte> destination, string? format) where T : IUtf8SpanFormattable =>
        value.TryFormat(destination, out var written, format, CultureInfo.InvariantCulture)
            ? written
            : throw new InvalidOperationException($"a CSV field did not fit its line: {value}");
}
