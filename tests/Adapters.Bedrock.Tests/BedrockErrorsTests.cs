using ChatBedrock.Domain;

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
        BedrockErrors.Map(type, status, null, "m", "us-east-1").Code.Should().Be(code);
}
