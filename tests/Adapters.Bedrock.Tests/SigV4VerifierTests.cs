using System.Text;
using ChatBedrock.Testing.Bedrock;

namespace ChatBedrock.Adapters.Bedrock.Tests;

/// <summary>The emulator's own SigV4 implementation, checked against AWS's published example.</summary>
public sealed class SigV4VerifierTests
{
    [Fact]
    public void Sign_TheAwsDocumentationExample_GivesItsSignature()
    {
        // The IAM ListUsers example of the AWS General Reference's "Signature Version 4 signing process".
        var headers = new Dictionary<string, string>
        {
            ["content-type"] = "application/x-www-form-urlencoded; charset=utf-8",
            ["host"] = "iam.amazonaws.com",
            ["x-amz-date"] = "20150830T123600Z",
        };

        var canonical = SigV4Verifier.CanonicalRequest("GET", "/?Action=ListUsers&Version=2010-05-08", headers.Keys, n => headers.GetValueOrDefault(n), []);
        var signature = SigV4Verifier.Sign("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830T123600Z", "us-east-1", "iam", canonical);

        canonical.Should().Be(
            "GET\n/\nAction=ListUsers&Version=2010-05-08\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\n" +
            "host:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n" +
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        signature.Should().Be("5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
    }

    [Fact]
    public void CanonicalRequest_EncodesTheSentPathOnceMore()
    {
        var canonical = SigV4Verifier.CanonicalRequest("POST", "/model/arn%3Aaws%3Abedrock%3A%3A1%3Ainference-profile%2Fus.x%3A0/converse",
            ["host"], _ => "h", Encoding.UTF8.GetBytes("{}"));

        canonical.Split('\n')[1].Should().Be("/model/arn%253Aaws%253Abedrock%253A%253A1%253Ainference-profile%252Fus.x%253A0/converse");
    }

    [Fact]
    public void ParseAuthorization_ReadsScopeHeadersAndSignature()
    {
        var credential = SigV4Verifier.ParseAuthorization(
            "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-west-2/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc");

        credential.Should().Be(new SigV4Verifier.Credential("AKID", "20240101", "us-west-2", "bedrock", credential!.SignedHeaders, "abc"));
        credential.SignedHeaders.Should().Equal("host", "x-amz-date");
    }
}
