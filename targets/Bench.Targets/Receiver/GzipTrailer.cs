using System.Buffers.Binary;

namespace Bench.Targets.Receiver;

/// <summary>
/// The last 8 bytes of a gzip member (RFC 1952 §2.3.1): the CRC-32 and the length, modulo 2³², of what it inflates to.
/// An inflater that stops at the end of its input without complaint cannot tell a truncated body from a whole one;
/// the trailer can.
/// </summary>
internal static class GzipTrailer
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>Whether <paramref name="compressed"/> ends with the trailer of <paramref name="inflated"/>.</summary>
    public static bool Matches(ReadOnlySpan<byte> compressed, ReadOnlySpan<byte> inflated)
    {
        // A header (10 bytes) and a trailer (8) at the least.
        if (compressed.Length < 18)
        {
            return false;
        }

        var trailer = compressed[^8..];
        return BinaryPrimitives.ReadUInt32LittleEndian(trailer) == Crc32(inflated)
            && BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]) == (uint)inflated.Length;
    }

    /// <summary>The CRC-32 of ISO 3309 / ITU-T V.42 that gzip uses (reflected, polynomial 0xEDB88320).</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
