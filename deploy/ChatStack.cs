using Amazon.CDK;
using Amazon.CDK.AWS.DynamoDB;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Logs;
using Constructs;
using Attribute = Amazon.CDK.AWS.DynamoDB.Attribute;
using HttpMethod = Amazon.CDK.AWS.Lambda.HttpMethod;

namespace ChatBedrock.Deploy;

/// <summary>
/// ChatBedrock on AWS: the history table, the function (the Lambda host's <c>bootstrap</c>), its Function URL,
/// and an execution role that may do exactly what the host needs — nothing on <c>*</c>.
/// </summary>
internal sealed class ChatStack : Stack
{
    /// <summary>What the host does with the history table, in both layouts (Query: the turns layout).</summary>
    internal static readonly string[] TableActions =
        ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query"];

    /// <summary>Converse and ConverseStream are authorized as these two.</summary>
    internal static readonly string[] ModelActions = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"];

    /// <summary>Writing to the function's own log group; Lambda creates the streams.</summary>
    internal static readonly string[] LogActions = ["logs:CreateLogStream", "logs:PutLogEvents"];

    public ChatStack(Construct scope, string id, DeploySettings settings, IStackProps? props = null)
        : base(scope, id, props)
    {
        ArgumentNullException.ThrowIfNull(settings);

        var table = new Table(this, "History", new TableProps
        {
            TableName = settings.TableName,
            PartitionKey = new Attribute { Name = "SessionId", Type = AttributeType.STRING },
            SortKey = settings.StoreLayout == StoreLayout.Turns ? new Attribute { Name = "Turn", Type = AttributeType.NUMBER } : null,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            TimeToLiveAttribute = "expireAt",
            PointInTimeRecovery = true,
            // Conversations outlive the stack: `cdk destroy` leaves the table (and its data) in place.
            RemovalPolicy = RemovalPolicy.RETAIN,
        });

        // An explicit log group: a retention period without CDK's LogRetention custom resource (a second
        // function whose role needs logs:* on *), and a known ARN to scope the write permission to.
        var logGroup = new LogGroup(this, "Logs", new LogGroupProps
        {
            Retention = RetentionDays.ONE_MONTH,
            RemovalPolicy = RemovalPolicy.DESTROY,
        });

        // Our own role instead of CDK's default one, which attaches AWSLambdaBasicExecutionRole (logs on "*").
        var role = new Role(this, "Role", new RoleProps
        {
            AssumedBy = new ServicePrincipal("lambda.amazonaws.com"),
            Description = "ChatBedrock function: its log group, its history table and its one model.",
        });
        role.AddToPolicy(Allow("WriteLogs", LogActions, logGroup.LogGroupArn));
        role.AddToPolicy(Allow("ReadWriteHistory", TableActions, table.TableArn));
        var modelRegion = settings.ModelRegion ?? Region;
        role.AddToPolicy(Allow("InvokeModel", ModelActions,
            [.. ModelArns.For(settings.ModelId, modelRegion, Partition, Account, settings.ModelRegions)]));

        var function = new Function(this, "Function", new FunctionProps
        {
            Description = "ChatBedrock: chat with a Bedrock model, history in DynamoDB.",
            Runtime = Runtime.PROVIDED_AL2023,
            Handler = "bootstrap",
            Code = Code.FromAsset(settings.CodeAsset),
            Architecture = Architecture.X86_64,
            MemorySize = settings.MemorySize,
            Timeout = Duration.Seconds(30),
            // A public URL must not be able to run up an unbounded Bedrock bill.
            ReservedConcurrentExecutions = settings.ReservedConcurrency,
            Role = role,
            LogGroup = logGroup,
            LoggingFormat = LoggingFormat.JSON,
            Environment = HostEnvironment(settings, table),
        });

        var url = function.AddFunctionUrl(new FunctionUrlOptions
        {
            AuthType = settings.AuthType,
            InvokeMode = InvokeMode.RESPONSE_STREAM,
            // CORS is the URL's alone: the function gets no CHAT_CORS_ALLOWED_ORIGINS, so no response carries
            // a second set of CORS headers (ADR 0054).
            Cors = settings.AllowedOrigins.Count == 0 ? null : new FunctionUrlCorsOptions
            {
                AllowedOrigins = [.. settings.AllowedOrigins],
                AllowedMethods = [HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE],
                AllowedHeaders = settings.AuthType == FunctionUrlAuthType.AWS_IAM
                    ? ["content-type", "accept", "authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"]
                    : ["content-type", "accept"],
                ExposedHeaders = ["retry-after"],
                MaxAge = Duration.Hours(1),
            },
        });

        if (settings.AuthType == FunctionUrlAuthType.NONE)
        {
            // CDK 2.160 adds lambda:InvokeFunctionUrl for "*" (above). Since October 2025 a public URL also needs
            // lambda:InvokeFunction, limited to calls through the URL; this CDK version has no property for that
            // condition yet, so it is set on the CloudFormation resource directly.
            var invokeViaUrl = new CfnPermission(this, "FunctionInvokeViaUrl", new CfnPermissionProps
            {
                Action = "lambda:InvokeFunction",
                FunctionName = function.FunctionArn,
                Principal = "*",
            });
            invokeViaUrl.AddPropertyOverride("InvokedViaFunctionUrl", true);
        }

        _ = new CfnOutput(this, "FunctionUrl", new CfnOutputProps { Value = url.Url, Description = "Call it: curl \"$URL?input_text=...\"" });
        _ = new CfnOutput(this, "FunctionName", new CfnOutputProps { Value = function.FunctionName });
        _ = new CfnOutput(this, "TableName", new CfnOutputProps { Value = table.TableName, Description = "Retained when the stack is deleted." });
    }

    private static Dictionary<string, string> HostEnvironment(DeploySettings settings, Table table)
    {
        var environment = new Dictionary<string, string>(settings.HostSettings, StringComparer.Ordinal)
        {
            ["CHAT_MODEL_ID"] = settings.ModelId,
            ["CHAT_TABLE_NAME"] = table.TableName,
            ["CHAT_STORE_LAYOUT"] = settings.StoreLayout == StoreLayout.Turns ? "turns" : "langchain",
            // The URL's invoke mode is RESPONSE_STREAM: the host must answer in Lambda's streaming format.
            ["CHAT_STREAMING"] = "true",
        };
        if (settings.ModelRegion is { } modelRegion)
        {
            environment["CHAT_MODEL_REGION"] = modelRegion;
        }

        // The URL answers CORS for these origins (ADR 0054); the function must still let their pages run turns,
        // which it refuses to other sites (ADR 0070), without sending CORS headers of its own.
        if (settings.AllowedOrigins.Count > 0)
        {
            environment["CHAT_TRUSTED_ORIGINS"] = string.Join(',', settings.AllowedOrigins);
        }

        return environment;
    }

    private static PolicyStatement Allow(string sid, string[] actions, params string[] resources) =>
        new(new PolicyStatementProps { Sid = sid, Effect = Effect.ALLOW, Actions = actions, Resources = resources });
}
