using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatBedrock.Domain;
using ChatBedrock.Testing.Dynalite;

namespace ChatBedrock.Adapters.DynamoDb.Tests;

/// <summary>A message as LangChain.js stores and returns it: its type (human, ai, system, generic), text, and a generic message's role.</summary>
public sealed record JsMessage(string Type, string Content, string? Role = null);

/// <summary>
/// The real LangChain.js <c>DynamoDBChatMessageHistory</c> (npm <c>@langchain/community</c>, pinned in the root
/// package.json) on one session, through <c>langchainjs/history.mjs</c> run by node against the fixture's dynalite.
/// </summary>
public sealed class LangChainJs(Uri endpoint, string table, string partitionKey, string messageAttributeName)
{
    // A bound on a hung node process, not a measurement: a run takes about half a second.
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    private static readonly string Root = DynaliteServer.RepositoryRoot();
    private static readonly string Script = Path.Combine(Root, "tests", "Adapters.DynamoDb.Tests", "langchainjs", "history.mjs");

    /// <summary><c>addMessages</c>: one UpdateItem appending every message.</summary>
    public Task AddAsync(SessionId id, params JsMessage[] messages) =>
        RunAsync(id, "add", messages);

    /// <summary><c>getMessages</c>, or the error LangChain.js throws (as a failed result, not an exception).</summary>
    public async Task<(IReadOnlyList<JsMessage>? Messages, string? Error)> TryReadAsync(SessionId id)
    {
        var result = await RunAsync(id, "read", [], allowFailure: true);
        return result["error"] is { } error
            ? (null, error.GetValue<string>())
            : (result["messages"]!.AsArray().Select(m => new JsMessage(m!["type"]!.GetValue<string>(), m["content"]!.GetValue<string>(), m["role"]?.GetValue<string>())).ToList(), null);
    }

    /// <summary><c>getMessages</c>; fails the test when LangChain.js cannot read the session.</summary>
    public async Task<IReadOnlyList<JsMessage>> ReadAsync(SessionId id)
    {
        var (messages, error) = await TryReadAsync(id);
        error.Should().BeNull("LangChain.js must be able to read the session");
        return messages!;
    }

    /// <summary><c>clear</c>: DeleteItem.</summary>
    public Task ClearAsync(SessionId id) => RunAsync(id, "clear", []);

    private async Task<JsonObject> RunAsync(SessionId id, string command, JsMessage[] messages, bool allowFailure = false)
    {
        if (!Directory.Exists(Path.Combine(Root, "node_modules", "@langchain", "community")))
        {
            throw new InvalidOperationException($"@langchain/community is not installed: run 'npm ci' in {Root}.");
        }

        var request = new JsonObject
        {
            ["endpoint"] = endpoint.ToString(),
            ["table"] = table,
            ["partitionKey"] = partitionKey,
            ["messageAttributeName"] = messageAttributeName,
            ["sessionId"] = id.Value,
            ["command"] = command,
            ["messages"] = new JsonArray([.. messages.Select(m => (JsonNode)new JsonObject { ["type"] = m.Type, ["content"] = m.Content, ["role"] = m.Role })]),
        };
        var requestFile = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(requestFile, request.ToJsonString(), TestContext.Current.CancellationToken);
            var start = new ProcessStartInfo("node") { WorkingDirectory = Root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(Script);
            start.ArgumentList.Add(requestFile);
            start.Environment["NODE_NO_WARNINGS"] = "1"; // the AWS SDK's notice about Node versions
            using var node = Process.Start(start)!;
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            deadline.CancelAfter(Deadline);
            var stdout = node.StandardOutput.ReadToEndAsync(deadline.Token);
            var stderr = node.StandardError.ReadToEndAsync(deadline.Token);
            try
            {
                await node.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                node.Kill(entireProcessTree: true);
                throw;
            }

            var output = await stdout;
            var result = output.Length > 0 ? JsonNode.Parse(output)!.AsObject() : null;
            if (result is null || (node.ExitCode != 0 && !(allowFailure && result["error"] is not null)))
            {
                throw new InvalidOperationException($"LangChain.js '{command}' failed with code {node.ExitCode}: {output}{await stderr}");
            }

            return result;
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"LangChain.js '{command}' printed no JSON.", e);
        }
        finally
        {
            File.Delete(requestFile);
        }
    }
}
