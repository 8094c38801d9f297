namespace Bench.Scenarios.Clients;

/// <summary>Event payloads: printable ASCII so the JSON envelope carries them as they are, the same bytes for every transport.</summary>
public static class Payloads
{
    public static byte[] Create(int bytes)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        var payload = new byte[bytes];
        var random = new Random(bytes);
        for (var i = 0; i < payload.Length; i++)
        {
            payload[i] = (byte)alphabet[random.Next(alphabet.Length)];
        }

        return payload;
    }
}
