using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using ChatBedrock.Testing.Bedrock;
using ChatBedrock.Testing.Dynalite;

namespace ChatBedrock.Testing.Lambda;

/// <summary>
/// What a deployed function talks to, on loopback: dynalite with the history tables of both layouts, and
/// Bedrock emulators that accept this test bed's credentials. <see cref="Environment"/> is the environment a
/// Lambda function would get to use them (for the published <c>bootstrap</c>, or an in-process host's configuration).
/// </summary>
public sealed class LambdaTestBed : IAsyncDisposable
{
    public const string Region = "ap-northeast-1";
    public const string LangChainTable = "ChatMessageHistory";
    public const string TurnsTable = "ChatTurns";
    public const string AccessKeyId = "AKIALAMBDATESTBED001";

    private readonly DynaliteServer _dynalite = new();

    private LambdaTestBed()
    {
    }

    /// <summary>The secret key Bedrock emulators of this test bed verify signatures with.</summary>
    public string SecretAccessKey { get; } = "test-bed/" + Guid.NewGuid().ToString("N");

    public Uri DynamoDbEndpoint { get; private set; } = null!;

    /// <summary>A client of the test bed's dynalite, to look at what the function stored.</summary>
    public IAmazonDynamoDB DynamoDb { get; private set; } = null!;

    /// <summary>Starts dynalite and creates <see cref="LangChainTable"/> and <see cref="TurnsTable"/>.</summary>
    public static async Task<LambdaTestBed> StartAsync(CancellationToken cancellationToken = default)
    {
        var bed = new LambdaTestBed();
        try
        {
            bed.DynamoDbEndpoint = await bed._dynalite.StartAsync(cancellationToken).ConfigureAwait(false);
            bed.DynamoDb = new AmazonDynamoDBClient(
                new BasicAWSCredentials(AccessKeyId, bed.SecretAccessKey),
                new AmazonDynamoDBConfig { ServiceURL = bed.DynamoDbEndpoint.ToString(), AuthenticationRegion = Region });
            await bed.CreateTableAsync(LangChainTable, withTurn: false, cancellationToken).ConfigureAwait(false);
            await bed.CreateTableAsync(TurnsTable, withTurn: true, cancellationToken).ConfigureAwait(false);
            return bed;
        }
        catch
        {
            await bed.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A Bedrock emulator in the test bed's region, accepting its credentials; each test may script its own.</summary>
    public Task<BedrockEmulator> StartBedrockAsync(CancellationToken cancellationToken = default) =>
        BedrockEmulator.StartAsync(new BedrockEmulatorOptions { Region = Region, AccessKeyId = AccessKeyId, SecretAccessKey = SecretAccessKey }, cancellationToken);

    /// <summary>A Bedrock emulator that, like Bedrock with a Lambda role's credentials, requires <see cref="SessionToken"/> signed in.</summary>
    public Task<BedrockEmulator> StartBedrockForTemporaryCredentialsAsync(CancellationToken cancellationToken = default) =>
        BedrockEmulator.StartAsync(
            new BedrockEmulatorOptions { Region = Region, AccessKeyId = AccessKeyId, SecretAccessKey = SecretAccessKey, SessionToken = SessionToken }, cancellationToken);

    /// <summary>The session token of the temporary credentials <see cref="FunctionEnvironment"/> hands out.</summary>
    public string SessionToken { get; } = "test-bed-session/" + Guid.NewGuid().ToString("N");

    /// <summary>
    /// Everything Lambda puts in a function's environment and nothing else (AWS's "defined runtime environment
    /// variables" for an OS-only runtime, temporary credentials included, no <c>AWS_LAMBDA_LOG_LEVEL</c>), plus the
    /// function's own <c>CHAT_*</c> settings and the endpoint overrides to this test bed. <paramref name="taskRoot"/>
    /// is where <c>bootstrap</c> lies (Lambda's /var/task); <paramref name="home"/> should hold no AWS files.
    /// Use it with an emulator from <see cref="StartBedrockForTemporaryCredentialsAsync"/>.
    /// </summary>
    public Dictionary<string, string?> FunctionEnvironment(BedrockEmulator bedrock, string runtimeApi, string taskRoot, string home)
    {
        var environment = Environment(bedrock);
        environment["AWS_SESSION_TOKEN"] = SessionToken;
        environment["AWS_DEFAULT_REGION"] = Region;
        environment["AWS_LAMBDA_RUNTIME_API"] = runtimeApi;
        environment["AWS_LAMBDA_FUNCTION_NAME"] = "chatBedrock";
        environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "128";
        environment["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST";
        environment["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand";
        environment["AWS_LAMBDA_LOG_GROUP_NAME"] = "/aws/lambda/chatBedrock";
        environment["AWS_LAMBDA_LOG_STREAM_NAME"] = "2025/01/01/[$LATEST]0123456789abcdef0123456789abcdef";
        environment["AWS_EC2_METADATA_DISABLED"] = "true";
        environment["LAMBDA_TASK_ROOT"] = taskRoot;
        environment["LAMBDA_RUNTIME_DIR"] = "/var/runtime";
        environment["_HANDLER"] = "bootstrap";
        environment["TZ"] = ":UTC";
        environment["LANG"] = "en_US.UTF-8";
        environment["PATH"] = "/usr/local/bin:/usr/bin/:/bin:/opt/bin";
        environment["LD_LIBRARY_PATH"] = $"/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:{taskRoot}:{taskRoot}/lib:/opt/lib";
        environment["HOME"] = home;
        return environment;
    }

    /// <summary>
    /// The function's environment: region, credentials, both endpoints and the <c>CHAT_*</c> settings that choose
    /// the history layout (<c>langchain</c> or <c>turns</c>, with its table) and response streaming.
    /// </summary>
    public Dictionary<string, string?> Environment(BedrockEmulator bedrock, string layout = "langchain", bool streaming = false)
    {
        ArgumentNullException.ThrowIfNull(bedrock);
        return new()
        {
            ["AWS_REGION"] = Region,
            ["AWS_ACCESS_KEY_ID"] = AccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = SecretAccessKey,
            ["AWS_ENDPOINT_URL_DYNAMODB"] = DynamoDbEndpoint.ToString(),
            ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"] = bedrock.Endpoint.ToString(),
            ["CHAT_STORE_LAYOUT"] = layout,
            ["CHAT_TABLE_NAME"] = layout == "turns" ? TurnsTable : LangChainTable,
            ["CHAT_STREAMING"] = streaming ? "true" : "false",
        };
    }

    /// <summary>The items stored for <paramref name="sessionId"/> in <paramref name="table"/> (one for LangChain, one per turn for turns).</summary>
    public async Task<List<Dictionary<string, AttributeValue>>> ItemsAsync(string table, string sessionId, CancellationToken cancellationToken = default)
    {
        var response = await DynamoDb.QueryAsync(
            new QueryRequest
            {
                TableName = table,
                KeyConditionExpression = "SessionId = :id",
                ExpressionAttributeValues = new() { [":id"] = new AttributeValue { S = sessionId } },
                ConsistentRead = true,
            },
            cancellationToken).ConfigureAwait(false);
        return response.Items ?? [];
    }

    public async ValueTask DisposeAsync()
    {
        DynamoDb?.Dispose();
        await _dynalite.DisposeAsync().ConfigureAwait(false);
    }

    // The tables as README's `aws dynamodb create-table` commands make them.
    private async Task CreateTableAsync(string name, bool withTurn, CancellationToken cancellationToken)
    {
        var request = new CreateTableRequest
        {
            TableName = name,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions = [new AttributeDefinition("SessionId", ScalarAttributeType.S)],
            KeySchema = [new KeySchemaElement("SessionId", KeyType.HASH)],
        };
        if (withTurn)
        {
            request.AttributeDefinitions.Add(new AttributeDefinition("Turn", ScalarAttributeType.N));
            request.KeySchema.Add(new KeySchemaElement("Turn", KeyType.RANGE));
        }

        // dynalite runs with --createTableMs 0: the table is active at once.
        await DynamoDb.CreateTableAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
