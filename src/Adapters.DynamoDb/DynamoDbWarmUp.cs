using ChatBedrock.Application;
using ChatBedrock.Domain;

namespace ChatBedrock.Adapters.DynamoDb;

/// <summary>
/// What the first read of a conversation would do before its request leaves — the SDK's pipeline, endpoint and
/// credential resolution, signing, marshalling, and the connection — done by that same read (the layout's own
/// GetItem or Query, which the function's policy allows) of a fixed session id, whose answer is discarded.
/// Nothing is written.
/// </summary>
internal sealed class DynamoDbWarmUp(IConversationRepository repository) : IWarmUp
{
    internal static readonly SessionId Session = SessionId.Parse("chatbedrock-warm-up");

    public Task WarmUpAsync(CancellationToken cancellationToken) => repository.LoadAsync(Session, 1, cancellationToken);
}
