using Bench.Harness.Clients;

namespace Bench.Scenarios.Tests.Clients;

/// <summary>A URL in a message keeps scheme, host, port and path, and nothing that carries a credential.</summary>
public sealed class UrlTextTests
{
    public static readonly TheoryData<string, string> Urls = new()
    {
        { "http://u:SEKRET@127.0.0.1:8080/p/SEKRET?key=SEKRET#SEKRET", "http://127.0.0.1:8080/p/***" },
        { "https://user@example.test/a/b?token=x", "https://example.test/a/b" },
        { "ws://[::1]:9000/ws?access_token=x", "ws://[::1]:9000/ws" },
        { "http://127.0.0.1/p/SEK%20RET", "http://127.0.0.1/p/SEK%20RET" },
        { "not a url SEKRET", "the URL" },
    };

    [Theory]
    [MemberData(nameof(Urls))]
    public void A_URL_in_a_message_drops_user_info_query_and_fragment_and_masks_secret_values(string url, string shown) =>
        Assert.Equal(shown, UrlText.ForMessage(url, ["SEKRET"]));

    [Fact]
    public void A_secret_that_the_URL_holds_percent_encoded_is_masked_too() =>
        Assert.Equal("http://127.0.0.1/p/***", UrlText.ForMessage("http://127.0.0.1/p/a%20b%2Fc", ["a b/c"]));
}
