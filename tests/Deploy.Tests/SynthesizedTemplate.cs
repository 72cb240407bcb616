using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.CDK.Assertions;

namespace ChatBedrock.Deploy.Tests;

/// <summary>The synthesized template: CDK's <see cref="Template"/> for property matching, and its JSON for walking.</summary>
public sealed class SynthesizedTemplate
{
    internal SynthesizedTemplate(ChatStack stack)
    {
        Template = Template.FromStack(stack);
        Json = JsonNode.Parse(JsonSerializer.Serialize(Template.ToJSON()))!.AsObject();
    }

    public Template Template { get; }

    public JsonObject Json { get; }

    /// <summary>Logical id and properties of every resource of <paramref name="type"/>.</summary>
    public IReadOnlyList<(string LogicalId, JsonObject Properties)> Resources(string type) =>
        [.. Json["Resources"]!.AsObject()
            .Where(resource => (string?)resource.Value!["Type"] == type)
            .Select(resource => (resource.Key, resource.Value!["Properties"]?.AsObject() ?? []))];

    public (string LogicalId, JsonObject Properties) Resource(string type) => Resources(type).Should().ContainSingle().Subject;

    public IReadOnlyDictionary<string, string> FunctionEnvironment() =>
        Resource("AWS::Lambda::Function").Properties["Environment"]!["Variables"]!.AsObject()
            .ToDictionary(variable => variable.Key, variable => Render(variable.Value));

    /// <summary>
    /// A CloudFormation value as text: <c>Ref</c> → <c>${Name}</c> (but <c>AWS::Partition</c> → <c>aws</c>),
    /// <c>Fn::GetAtt</c> → <c>${Name.Attribute}</c>, <c>Fn::Join</c> joined.
    /// </summary>
    public static string Render(JsonNode? value) => value switch
    {
        JsonValue text => text.ToString(),
        JsonObject { Count: 1 } function when function["Ref"] is { } name =>
            (string?)name == "AWS::Partition" ? "aws" : $"${{{name}}}",
        JsonObject { Count: 1 } function when function["Fn::GetAtt"] is JsonArray attribute => $"${{{attribute[0]}.{attribute[1]}}}",
        JsonObject { Count: 1 } function when function["Fn::Join"] is JsonArray join =>
            string.Join((string?)join[0], join[1]!.AsArray().Select(Render)),
        _ => throw new NotSupportedException("Cannot render " + value?.ToJsonString()),
    };

    /// <summary>A string or a list of strings (IAM's Action and Resource take either), rendered.</summary>
    public static IReadOnlyList<string> RenderList(JsonNode? value) =>
        value is JsonArray array ? [.. array.Select(Render)] : [Render(value)];
}
