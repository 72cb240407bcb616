using ChatBedrock.Domain;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatBedrock.Adapters.Bedrock.Tests;

public sealed class BedrockErrorsTests
{
    [Theory]
    [InlineData("ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/", "ValidationException")]
    [InlineData("com.amazon.coral.validate#ValidationException", "ValidationException")]
    [InlineData("aws.protocoltests#ThrottlingException:http://internal.amazon.com/", "ThrottlingException")]
    [InlineData("AccessDeniedException", "AccessDeniedException")]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void ParseType_TakesThePartBeforeTheColonAndAfterTheHash(string? raw, string? expected) =>
        BedrockErrors.ParseType(raw).Should().Be(expected);

    [Theory]
    [InlineData(null, 429, ChatErrorCode.ModelThrottled)]
    [InlineData(null, 403, ChatErrorCode.ModelAccessDenied)]
    [InlineData(null, 404, ChatErrorCode.ModelNotFound)]
    [InlineData(null, 413, ChatErrorCode.ModelInvalidRequest)]
    [InlineData(null, 500, ChatErrorCode.ModelUnavailable)]
    [InlineData("UnrecognizedClientException", 403, ChatErrorCode.ModelAccessDenied)]
    [InlineData("ExpiredTokenException", 403, ChatErrorCode.ModelAccessDenied)]
    [InlineData("modelTimeoutException", null, ChatErrorCode.ModelUnavailable)]
    public void Map_WithoutAKnownType_FallsBackToTheStatus(string? type, int? status, ChatErrorCode code) =>
        BedrockErrors.Map(NullLogger.Instance, type, status, null, "m", "us-east-1").Code.Should().Be(code);

    [Theory]
    [InlineData("ValidationException", 400)]
    [InlineData("ThrottlingException", 429)]
    [InlineData("ResourceNotFoundException", 404)]
    [InlineData("UnrecognizedClientException", 403)]
    [InlineData("InternalServerException", 500)]
    public void Map_NeverPutsAnAccountIdOrArnInTheMessage(string type, int status)
    {
        const string aws = "User: arn:aws:sts::123456789012:assumed-role/chat-role/chat-fn is not authorized; account 123456789012.";

        var message = BedrockErrors.Map(NullLogger.Instance, type, status, aws, "m", "us-east-1").Message;

        message.Should().NotContainAny("123456789012", "arn:aws", "chat-role");
    }

    [Fact]
    public void Redact_RemovesArnsAndAccountIds_AndKeepsTheRest() =>
        BedrockErrors.Redact("Use the ARN arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.x of an inference profile (account 123456789012).")
            .Should().Be("Use the ARN (an ARN) of an inference profile (account (an account id)).");
}
