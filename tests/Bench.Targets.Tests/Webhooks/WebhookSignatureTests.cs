using System.Text;
using Bench.Targets.Webhooks;

namespace Bench.Targets.Tests.Webhooks;

public class WebhookSignatureTests
{
    // The example of the Standard Webhooks specification.
    private const string SpecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string SpecId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long SpecTimestamp = 1614265330;
    private static readonly byte[] SpecBody = Encoding.UTF8.GetBytes("{\"test\": 2432232314}");

    [Fact]
    public void Sign_matches_the_Standard_Webhooks_example()
    {
        var signature = new WebhookSignature(SpecSecret).Sign(SpecId, SpecTimestamp, SpecBody);

        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    [Fact]
    public void Verify_accepts_any_matching_signature_among_several()
    {
        var signer = new WebhookSignature(SpecSecret);
        var header = "v1,bm90IGEgc2lnbmF0dXJlIGF0IGFsbCBub3QgYXQgYWxsIQ== " + signer.Sign(SpecId, SpecTimestamp, SpecBody);

        Assert.True(signer.Verify(SpecId, SpecTimestamp, SpecBody, header));
    }

    [Theory]
    [InlineData("msg_other", SpecTimestamp, "{\"test\": 2432232314}")]
    [InlineData(SpecId, SpecTimestamp + 1, "{\"test\": 2432232314}")]
    [InlineData(SpecId, SpecTimestamp, "{\"test\": 2432232315}")]
    public void Verify_rejects_a_changed_id_timestamp_or_body(string id, long timestamp, string body)
    {
        var signer = new WebhookSignature(SpecSecret);
        var header = signer.Sign(SpecId, SpecTimestamp, SpecBody);

        Assert.False(signer.Verify(id, timestamp, Encoding.UTF8.GetBytes(body), header));
    }

    [Fact]
    public void A_secret_that_is_not_base64_is_refused_with_a_reason()
    {
        var e = Assert.Throws<ArgumentException>(() => new WebhookSignature("whsec_***"));

        Assert.Contains("base64", e.Message, StringComparison.Ordinal);
    }
}
