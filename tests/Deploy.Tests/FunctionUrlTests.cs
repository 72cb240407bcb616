namespace ChatBedrock.Deploy.Tests;

public sealed class FunctionUrlTests(CdkFixture cdk)
{
    [Theory]
    [InlineData("NONE")]
    [InlineData("AWS_IAM")]
    public void Url_StreamsResponses_WithTheAuthTypeFromContext(string authType)
    {
        var stack = cdk.Synthesize(("authType", authType));
        var url = stack.Resource("AWS::Lambda::Url").Properties;

        ((string?)url["AuthType"]).Should().Be(authType);
        ((string?)url["InvokeMode"]).Should().Be("RESPONSE_STREAM");
        SynthesizedTemplate.Render(url["TargetFunctionArn"]).Should().Be("${" + stack.Resource("AWS::Lambda::Function").LogicalId + ".Arn}");
        stack.FunctionEnvironment()["CHAT_STREAMING"].Should().Be("true");
    }

    [Fact]
    public void Url_WithoutAllowedOrigins_HasNoCors()
    {
        var stack = cdk.Synthesize();

        stack.Resource("AWS::Lambda::Url").Properties.Should().NotContainKey("Cors");
        stack.FunctionEnvironment().Should().NotContainKey("CHAT_CORS_ALLOWED_ORIGINS");
    }

    [Fact]
    public void AllowedOrigins_AreTrustedByTheFunction_SoTheirPagesMayRunTurns()
    {
        var stack = cdk.Synthesize(("allowedOrigins", "https://chat.example.com, http://localhost:5173"));

        stack.FunctionEnvironment()["CHAT_TRUSTED_ORIGINS"].Should().Be("https://chat.example.com,http://localhost:5173");
    }

    [Fact]
    public void Url_Cors_AllowsExactlyTheOriginsFromContext()
    {
        var cors = cdk.Synthesize(("allowedOrigins", "https://chat.example.com, http://localhost:5173"))
            .Resource("AWS::Lambda::Url").Properties["Cors"]!;

        cors["AllowOrigins"]!.ToJsonString().Should().Be("""["https://chat.example.com","http://localhost:5173"]""");
        cors["AllowMethods"]!.AsArray().Select(m => (string?)m).Should().BeEquivalentTo("GET", "POST", "DELETE");
        cors["AllowHeaders"]!.AsArray().Select(h => (string?)h).Should().Contain(["content-type", "accept"]).And.NotContain("authorization");
    }

    [Fact]
    public void Cors_IsTheUrlsAlone_TheFunctionAddsNoSecondSetOfHeaders()
    {
        var stack = cdk.Synthesize(("allowedOrigins", "https://chat.example.com"));

        stack.Resource("AWS::Lambda::Url").Properties.Should().ContainKey("Cors");
        stack.FunctionEnvironment().Should().NotContainKey("CHAT_CORS_ALLOWED_ORIGINS");
    }

    [Fact]
    public void Url_CorsWithAwsIam_AllowsTheSigV4Headers()
    {
        var cors = cdk.Synthesize(("authType", "AWS_IAM"), ("allowedOrigins", "https://chat.example.com"))
            .Resource("AWS::Lambda::Url").Properties["Cors"]!;

        cors["AllowHeaders"]!.AsArray().Select(h => (string?)h)
            .Should().Contain(["authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"]);
    }

    [Fact]
    public void Url_WithAuthNone_AllowsInvokeFunctionUrlAndInvokeFunctionOnlyViaTheUrl()
    {
        var stack = cdk.Synthesize(("authType", "NONE"));
        var function = "${" + stack.Resource("AWS::Lambda::Function").LogicalId + ".Arn}";

        var permissions = stack.Resources("AWS::Lambda::Permission").Select(p => p.Properties).ToList();

        permissions.Should().HaveCount(2);
        permissions.Should().ContainSingle(p =>
            (string?)p["Action"] == "lambda:InvokeFunctionUrl" && (string?)p["Principal"] == "*"
            && (string?)p["FunctionUrlAuthType"] == "NONE" && SynthesizedTemplate.Render(p["FunctionName"]) == function);
        permissions.Should().ContainSingle(p =>
            (string?)p["Action"] == "lambda:InvokeFunction" && (string?)p["Principal"] == "*"
            && (bool?)p["InvokedViaFunctionUrl"] == true && SynthesizedTemplate.Render(p["FunctionName"]) == function);
    }

    [Fact]
    public void Url_WithAwsIam_GrantsNothingToAnyone()
    {
        cdk.Synthesize(("authType", "AWS_IAM")).Resources("AWS::Lambda::Permission").Should().BeEmpty();
    }
}
