using System.Runtime.CompilerServices;
using ChatBedrock.Application;
using Microsoft.Extensions.DependencyInjection;

// A console demo of the use case on the in-memory store, with a model that echoes: the web host and
// real models replace it in later issues.
using var provider = new ServiceCollection()
    .AddLogging()
    .AddContinueConversation()
    .AddInMemoryConversationRepository()
    .AddSingleton<ILanguageModel, EchoModel>()
    .BuildServiceProvider();
var chat = provider.GetRequiredService<ContinueConversation>();

string? sessionId = null;
Console.WriteLine("ChatBedrock demo (echo model, in-memory history). Type a message; an empty line quits.");
while (Console.ReadLine() is { Length: > 0 } line)
{
    var reply = await chat.ExecuteAsync(new ConversationRequest(line, sessionId), CancellationToken.None);
    sessionId = reply.SessionId.Value;
    Console.WriteLine($"[{sessionId}] {reply.OutputText}");
}

internal sealed class EchoModel : ILanguageModel
{
    public async Task<ModelResponse> CompleteAsync(ModelRequest request, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var text = $"You said \"{request.Messages[^1].Content}\" ({request.Messages.Count - 1} earlier messages remembered).";
        return new ModelResponse(text, new ModelUsage(0, 0), StopReasons.EndTurn);
    }

    public async IAsyncEnumerable<ModelStreamUpdate> StreamAsync(ModelRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var response = await CompleteAsync(request, cancellationToken);
        yield return new ModelTextDelta(response.Text);
        yield return new ModelStreamEnd(response.Usage, response.StopReason);
    }
}
