using System.Runtime.CompilerServices;
using ChatBedrock.Application;
using Microsoft.Extensions.DependencyInjection;

// The use cases, a store and a model. Swap the in-memory store for DynamoDB or SQLite,
// and EchoModel for Bedrock, a local model or any IChatClient.
var services = new ServiceCollection().AddLogging();
services.AddConversationUseCases(o => o.SystemPrompt = "You are a helpful assistant.");
services.AddInMemoryConversationRepository();
services.AddSingleton<ILanguageModel, EchoModel>();
await using var provider = services.BuildServiceProvider();

var chat = provider.GetRequiredService<ContinueConversation>();
var first = await chat.ExecuteAsync(new ConversationRequest("こんにちは", SessionId: null), CancellationToken.None);
var sessionId = first.SessionId.Value; // a string: keep it to continue the conversation
var second = await chat.ExecuteAsync(new ConversationRequest("What did I say?", sessionId), CancellationToken.None);
Console.WriteLine($"{sessionId}: {second.OutputText}");

// A model answers a conversation, whole or streamed, and says whether it is ready.
internal sealed class EchoModel : ILanguageModel
{
    public Task<ModelResponse> CompleteAsync(ModelRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new ModelResponse(
            $"You said '{request.Messages[^1].Content}' ({request.Messages.Count} messages so far).",
            new ModelUsage(InputTokens: 0, OutputTokens: 0),
            StopReasons.EndTurn));

    public async IAsyncEnumerable<ModelStreamUpdate> StreamAsync(ModelRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var response = await CompleteAsync(request, cancellationToken);
        yield return new ModelTextDelta(response.Text);
        yield return new ModelStreamEnd(response.Usage, response.StopReason);
    }

    public ValueTask<ModelStatus> GetStatusAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(new ModelStatus(Provider: "sample", ModelId: "echo"));
}
