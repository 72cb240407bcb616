using System.Globalization;
using System.Net.Sockets;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using ChatBedrock.Domain;
using Microsoft.Extensions.Logging;

namespace ChatBedrock.Adapters.DynamoDb;

/// <summary>
/// What both layouts share: the client, the table's settings, the expiry of a write, and the one place where
/// DynamoDB and network failures become <see cref="ChatErrorCode.StoreUnavailable"/> with a message a user can act on.
/// </summary>
internal sealed partial class StoreTable(IAmazonDynamoDB client, DynamoDbStoreOptions options, TimeProvider time, ILogger logger)
{
    public IAmazonDynamoDB Client { get; } = client;

    public DynamoDbStoreOptions Options { get; } = options;

    public string Name => Options.TableName;

    public ILogger Logger { get; } = logger;

    /// <summary>Where the table is, for messages: "in ap-northeast-1" or "at http://localhost:8000".</summary>
    public string Location => Client.Config.ServiceURL is { Length: > 0 } url
        ? $"at {url}"
        : $"in {Client.Config.RegionEndpoint?.SystemName ?? "the default region"}";

    public Dictionary<string, AttributeValue> Key(SessionId sessionId) => new(StringComparer.Ordinal)
    {
        [Options.PartitionKeyName] = new AttributeValue { S = sessionId.Value },
    };

    /// <summary>The expiry to write now (epoch seconds), or null when no <see cref="DynamoDbStoreOptions.TimeToLive"/> is set.</summary>
    public AttributeValue? ExpiresAt() => Options.TimeToLive is { } lifetime
        ? new AttributeValue { N = (time.GetUtcNow() + lifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) }
        : null;

    /// <summary>Logs the capacity a request consumed (every request asks for it: it costs nothing and shows what a turn costs).</summary>
    public void Consumed(string operation, ConsumedCapacity? capacity)
    {
        if (capacity?.CapacityUnits is { } units)
        {
            LogConsumed(Logger, operation, Name, units);
        }
    }

    /// <summary>
    /// Runs <paramref name="call"/>, turning failures of the store (not the caller's cancellation, not bugs)
    /// into the typed error of <see cref="Translate"/>.
    /// </summary>
    public async Task<T> GuardAsync<T>(string operation, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception e) when (IsStoreFailure(e, cancellationToken))
        {
            throw Translate(e, operation);
        }
    }

    /// <inheritdoc cref="GuardAsync{T}"/>
    public Task GuardAsync(string operation, Func<Task> call, CancellationToken cancellationToken) =>
        GuardAsync(operation, async () =>
        {
            await call().ConfigureAwait(false);
            return true;
        }, cancellationToken);

    private static bool IsStoreFailure(Exception error, CancellationToken cancellationToken) => error switch
    {
        AmazonServiceException or AmazonClientException or HttpRequestException or SocketException or IOException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested, // the SDK's own timeout
        _ => false,
    };

    /// <summary>Whether DynamoDB refused a write because the item would exceed 400 KB.</summary>
    public static bool IsItemTooLarge(AmazonDynamoDBException error) =>
        error.ErrorCode == "ValidationException"
        && error.Message.Contains("Item size", StringComparison.OrdinalIgnoreCase)
        && error.Message.Contains("exceeded", StringComparison.OrdinalIgnoreCase);

    /// <summary>The typed error for a store failure; logs its cause.</summary>
    public ChatException Translate(Exception error, string operation)
    {
        // Messages reach anonymous clients: AWS's own words (they can name the account and the role) and
        // the network's go to the log only.
        var code = (error as AmazonServiceException)?.ErrorCode ?? error.GetType().Name;
        LogStoreFailed(Logger, operation, Name, code, Innermost(error).Message);
        var message = error switch
        {
            ResourceNotFoundException =>
                $"DynamoDB table {Name} not found {Location}. Create it (see the README, 'Stores') or set {Setting(nameof(Options.TableName))}.",
            AmazonServiceException { ErrorCode: "AccessDeniedException" } =>
                $"Access to DynamoDB table {Name} {Location} was denied. Allow this role {Permissions()} on the table.",
            AmazonServiceException { ErrorCode: "UnrecognizedClientException" or "InvalidSignatureException" or "ExpiredTokenException" or "MissingAuthenticationTokenException" } =>
                $"DynamoDB {Location} rejected the AWS credentials ({code}). Check the credentials and the region.",
            ProvisionedThroughputExceededException or RequestLimitExceededException or AmazonServiceException { ErrorCode: "ThrottlingException" } =>
                Throttled().Message,
            AmazonServiceException { ErrorCode: "ValidationException" } when error.Message.Contains("key", StringComparison.OrdinalIgnoreCase) =>
                $"DynamoDB table {Name} {Location} does not have the key schema of the {Options.Layout} layout ({KeySchema()}). Check {Setting(nameof(Options.Layout))} and {KeySettings()}.",
            AmazonServiceException service =>
                $"DynamoDB {operation} on table {Name} {Location} failed: {service.ErrorCode} ({(int)service.StatusCode}). Try again shortly; the service log has AWS's message.",
            AmazonClientException when error.Message.Contains("credentials", StringComparison.OrdinalIgnoreCase) =>
                $"No AWS credentials were found for DynamoDB {Location}. Configure credentials (environment, profile or role).",
            OperationCanceledException =>
                $"DynamoDB {Location} did not answer in time.",
            _ =>
                $"DynamoDB {Location} could not be reached ({Reason(error)}). Check the network, and {Setting(nameof(Options.ServiceUrl))} or {Setting(nameof(Options.Region))}.",
        };
        return new ChatException(ChatErrorCode.StoreUnavailable, message, error);
    }

    /// <summary>The error for a turn that does not fit in one item even alone. Not transient: sending it again cannot help.</summary>
    public ChatException TurnTooLarge() => new(
        ChatErrorCode.InputTooLong,
        $"This turn is too large to store in DynamoDB table {Name}: an item holds at most 400 KB. Send a shorter input_text.");

    /// <summary>The error for requests DynamoDB still refuses after the SDK's retries because of throughput.</summary>
    public ChatException Throttled(Exception? cause = null) => new(
        ChatErrorCode.StoreUnavailable,
        $"DynamoDB throttled table {Name} {Location} after retries. Try again shortly, or raise the table's capacity.",
        cause);

    private static string Setting(string name) => $"{DynamoDbStoreOptions.SectionName}:{name}";

    private string Permissions() => Options.Layout == DynamoDbStoreLayout.LangChain
        ? "dynamodb:GetItem, dynamodb:UpdateItem and dynamodb:DeleteItem"
        : "dynamodb:Query, dynamodb:PutItem, dynamodb:UpdateItem and dynamodb:DeleteItem";

    private string KeySettings() => Options.Layout == DynamoDbStoreLayout.LangChain
        ? Setting(nameof(Options.PartitionKeyName))
        : $"{Setting(nameof(Options.PartitionKeyName))} and {Setting(nameof(Options.SortKeyName))}";

    private string KeySchema() => Options.Layout == DynamoDbStoreLayout.LangChain
        ? $"partition key {Options.PartitionKeyName} of type S, no sort key"
        : $"partition key {Options.PartitionKeyName} of type S, sort key {Options.SortKeyName} of type N";

    /// <summary>What failed, without the exception's own text: a socket's error code, else the exception's type.</summary>
    private static string Reason(Exception error) => Innermost(error) switch
    {
        SocketException socket => socket.SocketErrorCode.ToString(),
        var innermost => innermost.GetType().Name,
    };

    private static Exception Innermost(Exception error)
    {
        while (error.InnerException is { } inner && error is not SocketException)
        {
            error = inner;
        }

        return error;
    }

    [LoggerMessage(5, LogLevel.Debug, "DynamoDB {Operation} on table {Table} consumed {CapacityUnits} capacity units")]
    private static partial void LogConsumed(ILogger logger, string operation, string table, double capacityUnits);

    [LoggerMessage(4, LogLevel.Warning, "DynamoDB {Operation} on table {Table} failed: {ErrorCode}: {Reason}")]
    private static partial void LogStoreFailed(ILogger logger, string operation, string table, string errorCode, string reason);
}
