using System.Buffers.Binary;
using System.Text;

namespace StockPlatform.IntegrationTests.Telemetry;

/// <summary>The protobuf wire types (the deprecated groups are never sent by OTLP).</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    Fixed32 = 5,
}

/// <summary>
/// Reads protobuf's wire format field by field: enough to take OTLP exports apart without the
/// generated classes. Each field is a varint key (number and wire type) and a value; unknown
/// fields are skipped, which is what keeps this reader working as OTLP grows.
/// </summary>
internal sealed class ProtoReader(ReadOnlyMemory<byte> data)
{
    private int _position;

    /// <summary>The next field's number and wire type; false at the end of the message.</summary>
    public bool Next(out int field, out WireType type)
    {
        if (_position >= data.Length)
        {
            (field, type) = (0, default);
            return false;
        }
        var key = ReadVarint();
        (field, type) = ((int)(key >> 3), (WireType)(key & 7));
        return true;
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = data.Span[_position++];
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new FormatException("a varint longer than ten bytes");
    }

    public ulong ReadFixed64()
    {
        var value = BinaryPrimitives.ReadUInt64LittleEndian(data.Span.Slice(_position, 8));
        _position += 8;
        return value;
    }

    public uint ReadFixed32()
    {
        var value = BinaryPrimitives.ReadUInt32LittleEndian(data.Span.Slice(_position, 4));
        _position += 4;
        return value;
    }

    public double ReadDouble() => BitConverter.UInt64BitsToDouble(ReadFixed64());

    public ReadOnlyMemory<byte> ReadBytes()
    {
        var length = checked((int)ReadVarint());
        var bytes = data.Slice(_position, length);
        _position += length;
        return bytes;
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadBytes().Span);

    /// <summary>A length-delimited field read as a message of its own.</summary>
    public ProtoReader ReadMessage() => new(ReadBytes());

    public void Skip(WireType type)
    {
        switch (type)
        {
            case WireType.Varint: ReadVarint(); break;
            case WireType.Fixed64: _position += 8; break;
            case WireType.LengthDelimited: ReadBytes(); break;
            case WireType.Fixed32: _position += 4; break;
            default: throw new FormatException($"wire type {(int)type} is not used by OTLP");
        }
    }
}
