namespace Bench.Targets.Publishing;

/// <summary>
/// What a client may call a stream, on the hub and the dispatcher alike: 1 to 128 characters from letters, digits and
/// <c>. _ ~ : @ -</c>. Nothing that could break a line, a path, a log or a file it is written to.
/// </summary>
public static class StreamNames
{
    public const int MaxLength = 128;

    /// <summary>Why <paramref name="name"/> is not a valid stream name, or null when it is.</summary>
    public static string? Problem(string name)
    {
        if (name.Length is 0 or > MaxLength)
        {
            return $"stream must be 1 to {MaxLength} characters";
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '~' or ':' or '@' or '-'))
            {
                return "stream may hold only letters, digits and . _ ~ : @ -";
            }
        }

        return null;
    }
}
