using System.Buffers;
using System.Text;

namespace Bench.Harness.Transports.Grpc;

/// <summary>
/// The little of the protobuf wire format (protobuf.dev, "Encoding") a target file's gRPC method needs when Bench knows
/// none of the user's generated types: a request written from field numbers and values, and one field read out of each
/// response. Varints (wire type 0) and length-delimited fields (wire type 2) are written; a reader skips the fixed
/// 64- and 32-bit types (1 and 5) as well. Groups (3, 4) are refused: proto3 has none.
/// </summary>
public static class ProtobufWire
{
    private const int Varint = 0;
    private const int Fixed64 = 1;
    private const int LengthDelimited = 2;
    private const int Fixed32 = 5;

    /// <summary>
    /// A message of the given fields, in order: a value <c>int:N</c> is a varint (int32/int64/uint64, two's complement
    /// for negatives), <c>bool:true</c> or <c>bool:false</c> a varint 1 or 0, anything else a UTF-8 string.
    /// </summary>
    public static byte[] Write(IEnumerable<KeyValuePair<int, string>> fields)
    {
        var output = new ArrayBufferWriter<byte>(64);
        foreach (var (number, value) in fields)
        {
            if (value.StartsWith("int:", StringComparison.Ordinal))
            {
                WriteVarint(output, ((ulong)number << 3) | Varint);
                WriteVarint(output, unchecked((ulong)long.Parse(value.AsSpan(4), System.Globalization.CultureInfo.InvariantCulture)));
            }
            else if (value.StartsWith("bool:", StringComparison.Ordinal))
            {
                WriteVarint(output, ((ulong)number << 3) | Varint);
                WriteVarint(output, bool.Parse(value.AsSpan(5)) ? 1UL : 0UL);
            }
            else
            {
                var bytes = Encoding.UTF8.GetBytes(value);
                WriteVarint(output, ((ulong)number << 3) | LengthDelimited);
                WriteVarint(output, (ulong)bytes.Length);
                output.Write(bytes);
            }
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>Why <paramref name="value"/> cannot be a request field's value, or null.</summary>
    public static string? ValueProblem(string value) =>
        value.StartsWith("int:", StringComparison.Ordinal)
            && !long.TryParse(value.AsSpan(4), System.Globalization.CultureInfo.InvariantCulture, out _)
            ? $"'{value}': int: takes a whole number"
            : value.StartsWith("bool:", StringComparison.Ordinal) && !bool.TryParse(value.AsSpan(5), out _)
                ? $"'{value}': bool: takes true or false"
                : null;

    /// <summary>
    /// The bytes of the last length-delimited field <paramref name="number"/> of <paramref name="message"/> (the last,
    /// as a parser keeps the last of a repeated scalar); false when the message has none. A malformed message throws
    /// <see cref="FormatException"/>.
    /// </summary>
    public static bool TryReadField(ReadOnlySpan<byte> message, int number, out ReadOnlySpan<byte> value)
    {
        value = default;
        var found = false;
        var at = 0;
        while (at < message.Length)
        {
            var key = ReadVarint(message, ref at);
            var field = key >> 3;
            switch ((int)(key & 7))
            {
                case Varint:
                    ReadVarint(message, ref at);
                    break;
                case Fixed64:
                    at = Skip(message, at, 8);
                    break;
                case Fixed32:
                    at = Skip(message, at, 4);
                    break;
                case LengthDelimited:
                    var length = ReadVarint(message, ref at);
                    if (length > (ulong)(message.Length - at))
                    {
                        throw new FormatException($"field {field}: {length} bytes announced, {message.Length - at} left");
                    }

                    if (field == (ulong)number)
                    {
                        value = message.Slice(at, (int)length);
                        found = true;
                    }

                    at += (int)length;
                    break;
                default:
                    throw new FormatException($"field {field}: wire type {key & 7} is not one proto3 writes");
            }
        }

        return found;
    }

    private static int Skip(ReadOnlySpan<byte> message, int at, int count) =>
        at + count <= message.Length ? at + count : throw new FormatException("a fixed-width field runs past the message's end");

    private static void WriteVarint(ArrayBufferWriter<byte> output, ulong value)
    {
        var span = output.GetSpan(10);
        var n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[n++] = (byte)value;
        output.Advance(n);
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> message, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (at >= message.Length)
            {
                throw new FormatException("a varint runs past the message's end");
            }

            var b = message[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new FormatException("a varint longer than 10 bytes");
    }
}
