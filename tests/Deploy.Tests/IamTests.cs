using System.Text.Json.Nodes;

namespace ChatBedrock.Deploy.Tests;

public sealed class IamTests(CdkFixture cdk)
{
    private const string HaikuArn = "arn:aws:bedrock:${AWS::Region}::foundation-model/anthropic.claude-3-haiku-20240307-v1:0";

    public static TheoryData<string, string> Deployments() => new()
    {
        { "historyLayout", "langchain" },
        { "historyLayout", "turns" },
        { "authType", "AWS_IAM" },
        { "allowedOrigins", "https://chat.example.com" },
        { "modelId", "us.anthropic.claude-3-5-haiku-20241022-v1:0" },
        { "modelId", "global.anthropic.claude-sonnet-4-5-20250929-v1:0" },
    };

    [Theory]
    [MemberData(nameof(Deployments))]
    public void EveryIamStatement_IsFreeOfWildcards_AndLimitedToTheLists(string key, string value)
    {
        var stack = cdk.Synthesize((key, value));
        var table = "${" + stack.Resource("AWS::DynamoDB::Table").LogicalId + ".Arn}";
        var logGroup = "${" + stack.Resource("AWS::Logs::LogGroup").LogicalId + ".Arn}";

        var statements = Statements(stack).ToList();

        statements.Should().NotBeEmpty();
        foreach (var statement in statements)
        {
            ((string?)statement["Effect"]).Should().Be("Allow");
            statement.Should().NotContainKeys("NotAction", "NotResource");
            var actions = SynthesizedTemplate.RenderList(statement["Action"]);
            var resources = SynthesizedTemplate.RenderList(statement["Resource"]);
            actions.Concat(resources).Should().NotContain(text => text.Contains('*'), "statement {0}", statement.ToJsonString());

            if (actions.All(ChatStack.TableActions.Contains))
            {
                resources.Should().Equal(table);
            }
            else if (actions.All(ChatStack.LogActions.Contains))
            {
                // The log group's Arn attribute ends in ":*": the streams of that one group, which Lambda names itself.
                resources.Should().Equal(logGroup);
            }
            else
            {
                actions.Should().BeSubsetOf(ChatStack.ModelActions, "statement {0} mixes or adds actions", statement.ToJsonString());
                resources.Should().OnlyContain(arn => arn.StartsWith("arn:aws:bedrock:", StringComparison.Ordinal)
                    && (arn.Contains("::foundation-model/", StringComparison.Ordinal) || arn.Contains(":inference-profile/", StringComparison.Ordinal)));
            }
        }

        statements.SelectMany(s => SynthesizedTemplate.RenderList(s["Action"]))
            .Should().BeEquivalentTo(ChatStack.LogActions.Concat(ChatStack.TableActions).Concat(ChatStack.ModelActions));
    }

    [Fact]
    public void Role_CanOnlyBeAssumedByLambda_AndHasNoManagedPolicies()
    {
        // CDK's default role would attach AWSLambdaBasicExecutionRole, whose log permissions are on "*".
        var role = cdk.Synthesize().Resource("AWS::IAM::Role").Properties;

        role.Should().NotContainKeys("ManagedPolicyArns", "Policies", "PermissionsBoundary");
        role["AssumeRolePolicyDocument"]!["Statement"]!.ToJsonString().Should().Be(
            """[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"}}]""");
    }

    [Fact]
    public void Model_FoundationModel_IsAllowedInTheStacksRegionOnly()
    {
        ModelResources(cdk.Synthesize()).Should().Equal(HaikuArn);
    }

    [Fact]
    public void Model_WithModelRegion_IsAllowedInThatRegion()
    {
        ModelResources(cdk.Synthesize(("modelRegion", "us-west-2")))
            .Should().Equal("arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0");
    }

    [Fact]
    public void Model_UsProfile_AllowsTheProfileAndTheModelInEveryUsRegion()
    {
        ModelResources(cdk.Synthesize(("modelId", "us.anthropic.claude-3-5-haiku-20241022-v1:0"), ("modelRegion", "us-east-1"))).Should().Equal(
            "arn:aws:bedrock:us-east-1:${AWS::AccountId}:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0",
            "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0",
            "arn:aws:bedrock:us-east-2::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0",
            "arn:aws:bedrock:us-west-1::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0",
            "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0");
    }

    [Fact]
    public void Model_JpProfile_AllowsTokyoAndOsakaOnly()
    {
        ModelResources(cdk.Synthesize(("modelId", "jp.anthropic.claude-sonnet-4-5-20250929-v1:0"), ("modelRegion", "ap-northeast-1"))).Should().Equal(
            "arn:aws:bedrock:ap-northeast-1:${AWS::AccountId}:inference-profile/jp.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "arn:aws:bedrock:ap-northeast-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0",
            "arn:aws:bedrock:ap-northeast-3::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0");
    }

    [Fact]
    public void Model_GlobalProfile_AllowsTheSourceRegionAndTheRegionlessModel()
    {
        ModelResources(cdk.Synthesize(("modelId", "global.anthropic.claude-sonnet-4-5-20250929-v1:0"))).Should().Equal(
            "arn:aws:bedrock:${AWS::Region}:${AWS::AccountId}:inference-profile/global.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "arn:aws:bedrock:${AWS::Region}::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0",
            "arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0");
    }

    [Fact]
    public void Model_ModelRegions_ReplaceTheProfilesRegionsFromTheDataFile()
    {
        ModelResources(cdk.Synthesize(
                ("modelId", "eu.anthropic.claude-3-7-sonnet-20250219-v1:0"), ("modelRegion", "eu-central-1"), ("modelRegions", "eu-central-1,eu-west-1")))
            .Should().Equal(
                "arn:aws:bedrock:eu-central-1:${AWS::AccountId}:inference-profile/eu.anthropic.claude-3-7-sonnet-20250219-v1:0",
                "arn:aws:bedrock:eu-central-1::foundation-model/anthropic.claude-3-7-sonnet-20250219-v1:0",
                "arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-3-7-sonnet-20250219-v1:0");
    }

    private static IReadOnlyList<string> ModelResources(SynthesizedTemplate stack) =>
        SynthesizedTemplate.RenderList(Statements(stack).Single(s => (string?)s["Sid"] == "InvokeModel")["Resource"]);

    /// <summary>Every statement of every identity policy in the template, wherever CloudFormation allows one.</summary>
    private static IEnumerable<JsonObject> Statements(SynthesizedTemplate stack)
    {
        stack.Resources("AWS::IAM::ManagedPolicy").Should().BeEmpty();
        stack.Resources("AWS::IAM::User").Should().BeEmpty();
        stack.Resources("AWS::IAM::Group").Should().BeEmpty();

        var documents = stack.Resources("AWS::IAM::Policy").Select(p => p.Properties["PolicyDocument"]!)
            .Concat(stack.Resources("AWS::IAM::Role").SelectMany(r =>
                r.Properties["Policies"]?.AsArray().Select(p => p!["PolicyDocument"]!) ?? []));
        return documents.SelectMany(d => d["Statement"]!.AsArray()).Select(s => s!.AsObject());
    }
}
