namespace Bench.Scenarios.Tests.Cli;

/// <summary>Damages a valid file's text at random: one to three characters replaced, runs cut out or runs copied in.</summary>
internal static class TextDamage
{
    /// <summary><paramref name="valid"/> with one to three random edits, replacements drawn from <paramref name="alphabet"/>.</summary>
    public static string Apply(string valid, Random random, string alphabet)
    {
        var text = valid.ToCharArray().ToList();
        for (var i = random.Next(1, 4); i > 0 && text.Count > 0; i--)
        {
            var at = random.Next(text.Count);
            switch (random.Next(3))
            {
                case 0:
                    text[at] = alphabet[random.Next(alphabet.Length)];
                    break;
                case 1:
                    text.RemoveRange(at, Math.Min(random.Next(1, 30), text.Count - at));
                    break;
                default:
                    text.InsertRange(at, text.Skip(random.Next(text.Count)).Take(random.Next(1, 30)).ToList());
                    break;
            }
        }

        return new string([.. text]);
    }
}
