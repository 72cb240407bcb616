using System.Runtime.CompilerServices;
using ChatBedrock.Application;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddConversationUseCases();
builder.Services.AddInMemoryConversationRepository();     // or DynamoDB / SQLite
builder.Services.AddSingleton<ILanguageModel, EchoModel>(); // or Bedrock, a local model, any IChatClient
builder.Services.AddChatHttp();

var app = builder.Build();
app.MapChatBedrock();                                       // the chat page and the API; .RequireAuthorization() etc.
app.Run();

internal sealed class EchoModel : ILanguageModel
{
    public Task<ModelResponse> CompleteAsync(ModelRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new ModelResponse($"You said '{request.Messages[^1].Content}'.", new ModelUsage(0, 0), StopReasons.EndTurn));

    public async IAsyncEnumerable<ModelStreamUpdate> StreamAsync(ModelRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var response = await CompleteAsync(request, cancellationToken);
        yield return new ModelTextDelta(response.Text);
        yield return new ModelStreamEnd(response.Usage, response.StopReason);
    }

    public ValueTask<ModelStatus> GetStatusAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(new ModelStatus("sample", "echo"));
}
