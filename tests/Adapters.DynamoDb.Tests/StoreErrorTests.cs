using System.Net;
using System.Net.Sockets;
using Amazon;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using ChatBedrock.Application;
using ChatBedrock.Domain;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;

namespace ChatBedrock.Adapters.DynamoDb.Tests;

/// <summary>Every store failure is <see cref="ChatErrorCode.StoreUnavailable"/> with a message a user can act on.</summary>
public sealed class StoreErrorTests(DynamoDbFixture dynamo)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ChatTurn Turn => new(ChatMessage.User("q"), ChatMessage.Assistant("a"));

    public static TheoryData<DynamoDbStoreLayout> Layouts => [DynamoDbStoreLayout.LangChain, DynamoDbStoreLayout.Turns];

    [Theory]
    [MemberData(nameof(Layouts))]
    public async Task Load_WhenTheTableIsMissing_FailsNamingTheTable(DynamoDbStoreLayout layout)
    {
        var repository = dynamo.Repository(layout, o => o.TableName = "NoSuchTable");

        var error = await Assert.ThrowsAsync<ChatException>(() => repository.LoadAsync(SessionId.New(), null, Ct));

        error.Code.Should().Be(ChatErrorCode.StoreUnavailable);
        error.Message.Should().Be($"DynamoDB table NoSuchTable not found at {dynamo.Client.Config.ServiceURL}. Create it (see the README, 'Stores') or set DynamoDb:TableName.");
        error.InnerException.Should().BeOfType<ResourceNotFoundException>();
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public async Task AppendTurn_WhenTheTableIsMissing_FailsNamingTheTable(DynamoDbStoreLayout layout)
    {
        var repository = dynamo.Repository(layout, o => o.TableName = "NoSuchTable");

        var error = await Assert.ThrowsAsync<ChatException>(() => repository.AppendTurnAsync(SessionId.New(), Turn, Ct));

        error.Code.Should().Be(ChatErrorCode.StoreUnavailable);
        error.Message.Should().StartWith("DynamoDB table NoSuchTable not found");
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public async Task AppendTurn_WhenTheEndpointIsDown_FailsSayingItCouldNotBeReached(DynamoDbStoreLayout layout)
    {
        var closed = new Uri($"http://127.0.0.1:{ClosedPort()}");
        using var client = DynamoDbFixture.CreateClient(closed, maxErrorRetry: 1);
        await using var provider = new ServiceCollection()
            .AddSingleton<IAmazonDynamoDB>(client)
            .AddDynamoDbConversationRepository(o => o.Layout = layout)
            .BuildServiceProvider();
        var repository = provider.GetRequiredService<IConversationRepository>();

        var error = await Assert.ThrowsAsync<ChatException>(() => repository.AppendTurnAsync(SessionId.New(), Turn, Ct));

        error.Code.Should().Be(ChatErrorCode.StoreUnavailable);
        error.IsTransient.Should().BeTrue();
        error.Message.Should().Be($"DynamoDB at {closed} could not be reached (ConnectionRefused). Check the network, and DynamoDb:ServiceUrl or DynamoDb:Region.");
    }

    [Fact]
    public async Task Load_WhenTheTableHasTheOtherLayoutsKeys_SaysWhichKeySchemaIsExpected()
    {
        var repository = dynamo.Repository(DynamoDbStoreLayout.LangChain, o => o.TableName = DynamoDbFixture.TurnsTable);

        var error = await Assert.ThrowsAsync<ChatException>(() => repository.LoadAsync(SessionId.New(), null, Ct));

        error.Code.Should().Be(ChatErrorCode.StoreUnavailable);
        error.Message.Should().Contain("does not have the key schema of the LangChain layout (partition key SessionId of type S, no sort key)");
    }

    [Fact]
    public async Task Load_WhenCancelled_ThrowsOperationCanceledNotAStoreError()
    {
        var repository = dynamo.Repository(DynamoDbStoreLayout.LangChain);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => repository.LoadAsync(SessionId.New(), null, cts.Token));
    }

    public static TheoryData<string, string> ServiceErrors => new()
    {
        { "AccessDeniedException", "Access to DynamoDB table ChatMessageHistory in ap-northeast-1 was denied. Allow this role dynamodb:GetItem, dynamodb:UpdateItem and dynamodb:DeleteItem on the table." },
        { "ThrottlingException", "DynamoDB throttled table ChatMessageHistory in ap-northeast-1 after retries. Try again shortly, or raise the table's capacity." },
        { "UnrecognizedClientException", "DynamoDB in ap-northeast-1 rejected the AWS credentials (UnrecognizedClientException). Check the credentials and the region." },
        { "InternalServerError", "DynamoDB GetItem on table ChatMessageHistory in ap-northeast-1 failed: InternalServerError (500). Try again shortly; the service log has AWS's message." },
    };

    [Theory]
    [MemberData(nameof(ServiceErrors))]
    public void Translate_ServiceError_GivesAnActionableMessage(string errorCode, string expected)
    {
        var error = Table().Translate(new AmazonDynamoDBException("boom") { ErrorCode = errorCode, StatusCode = (HttpStatusCode)500 }, "GetItem");

        error.Code.Should().Be(ChatErrorCode.StoreUnavailable);
        error.Message.Should().Be(expected);
    }

    [Fact]
    public void Translate_ServiceError_LogsAwsMessageButKeepsItOutOfTheClientMessage()
    {
        const string aws = "User: arn:aws:sts::123456789012:assumed-role/chat-role/chat-fn is not authorized to perform: dynamodb:GetItem";
        var logger = new FakeLogger();
        var table = new StoreTable(
            new AmazonDynamoDBClient(new BasicAWSCredentials("test", "test"), RegionEndpoint.APNortheast1),
            new DynamoDbStoreOptions(), TimeProvider.System, logger);

        var messages = new[] { "AccessDeniedException", "ValidationException", "SomethingNewException" }
            .Select(code => table.Translate(new AmazonDynamoDBException(aws) { ErrorCode = code, StatusCode = HttpStatusCode.BadRequest }, "GetItem").Message)
            .ToList();

        messages.Should().AllSatisfy(m => m.Should().NotContainAny("123456789012", "arn:aws", "chat-role"));
        logger.Collector.GetSnapshot().Should().HaveCount(3).And.OnlyContain(r => r.Level == LogLevel.Warning && r.Message.Contains(aws, StringComparison.Ordinal));
    }

    [Fact]
    public void Translate_MissingTableInARegion_NamesTableAndRegion()
    {
        Table().Translate(new ResourceNotFoundException("Requested resource not found"), "GetItem").Message
            .Should().StartWith("DynamoDB table ChatMessageHistory not found in ap-northeast-1.");
    }

    [Fact]
    public void Translate_ThroughputExceeded_SaysThrottled()
    {
        Table().Translate(new ProvisionedThroughputExceededException("slow down"), "UpdateItem").Message
            .Should().StartWith("DynamoDB throttled table ChatMessageHistory");
    }

    [Fact]
    public void Translate_NoCredentials_SaysSo()
    {
        Table().Translate(new AmazonClientException("Failed to resolve AWS credentials. The credential providers used to search for credentials returned the following errors: ..."), "GetItem").Message
            .Should().Be("No AWS credentials were found for DynamoDB in ap-northeast-1. Configure credentials (environment, profile or role).");
    }

    private static StoreTable Table()
    {
        var client = new AmazonDynamoDBClient(new BasicAWSCredentials("test", "test"), RegionEndpoint.APNortheast1);
        return new StoreTable(client, new DynamoDbStoreOptions(), TimeProvider.System, NullLogger.Instance);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
