using ChatBedrock.Application;
using ChatBedrock.Testing;

namespace ChatBedrock.Adapters.DynamoDb.Tests;

public sealed class LangChainLayoutConformanceTests(DynamoDbFixture dynamo) : ConversationRepositoryConformanceTests
{
    protected override Task<IConversationRepository> CreateRepositoryAsync() =>
        Task.FromResult(dynamo.Repository(DynamoDbStoreLayout.LangChain));

    protected override bool HoldsMoreThanOnePageOfText => false;
}

public sealed class TurnsLayoutConformanceTests(DynamoDbFixture dynamo) : ConversationRepositoryConformanceTests
{
    protected override Task<IConversationRepository> CreateRepositoryAsync() =>
        Task.FromResult(dynamo.Repository(DynamoDbStoreLayout.Turns));
}
