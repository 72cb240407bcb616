namespace ChatBedrock.Adapters.DynamoDb;

/// <summary>How conversations are laid out in the table.</summary>
public enum DynamoDbStoreLayout
{
    /// <summary>
    /// LangChain's <c>DynamoDBChatMessageHistory</c> format: one item per session with the whole history in a
    /// list attribute (<see cref="DynamoDbStoreOptions.HistoryAttributeName"/>). Reads what Python LangChain and
    /// LangChain.js write, and writes entries both read, so tables of the Python hands-on keep working. Bounded by
    /// DynamoDB's 400 KB item size: the oldest turns are dropped when a write would exceed it.
    /// </summary>
    LangChain,

    /// <summary>
    /// One item per turn under a numeric sort key: conversations without bound, and the cost of a turn does
    /// not grow with the length of the conversation. Not readable by LangChain.
    /// </summary>
    Turns,
}

/// <summary>Settings of the DynamoDB store (section <c>DynamoDb</c>).</summary>
public sealed class DynamoDbStoreOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "DynamoDb";

    /// <summary>The table (3 to 255 characters of a-z, A-Z, 0-9, '_', '-', '.'). Default <c>ChatMessageHistory</c>, as the hands-on.</summary>
    public string TableName { get; set; } = "ChatMessageHistory";

    /// <summary>How conversations are laid out. Default <see cref="DynamoDbStoreLayout.LangChain"/>.</summary>
    public DynamoDbStoreLayout Layout { get; set; } = DynamoDbStoreLayout.LangChain;

    /// <summary>
    /// The partition key attribute (type S). Default <c>SessionId</c>, as Python LangChain; LangChain.js's default
    /// is <c>id</c>.
    /// </summary>
    public string PartitionKeyName { get; set; } = "SessionId";

    /// <summary>
    /// The list attribute holding a session's messages in the <see cref="DynamoDbStoreLayout.LangChain"/> layout.
    /// Default <c>History</c>, as Python LangChain (<c>history_messages_key</c>); LangChain.js's default is <c>messages</c>
    /// (<c>messageAttributeName</c>).
    /// </summary>
    public string HistoryAttributeName { get; set; } = "History";

    /// <summary>The sort key attribute (type N) of the <see cref="DynamoDbStoreLayout.Turns"/> layout. Default <c>Turn</c>.</summary>
    public string SortKeyName { get; set; } = "Turn";

    /// <summary>The attribute holding the expiry time (epoch seconds) when <see cref="TimeToLive"/> is set. Default <c>expireAt</c>, as LangChain.</summary>
    public string TimeToLiveAttributeName { get; set; } = "expireAt";

    /// <summary>
    /// How long history is kept after its last write; null (the default) writes no expiry. DynamoDB deletes
    /// expired items only when TTL is enabled on the table for <see cref="TimeToLiveAttributeName"/>.
    /// </summary>
    public TimeSpan? TimeToLive { get; set; }

    /// <summary>Whether reads are strongly consistent (default true, so a turn always sees the one before it).</summary>
    public bool ConsistentRead { get; set; } = true;

    /// <summary>
    /// The endpoint, e.g. <c>http://localhost:8000</c> for DynamoDB Local. When unset, the standard variables
    /// <c>AWS_ENDPOINT_URL_DYNAMODB</c> then <c>AWS_ENDPOINT_URL</c> are used, else the region's endpoint.
    /// Ignored when the host registers its own <c>IAmazonDynamoDB</c>.
    /// </summary>
    public string? ServiceUrl { get; set; }

    /// <summary>
    /// The AWS region, e.g. <c>ap-northeast-1</c>. When unset, the SDK's default (<c>AWS_REGION</c>, profile,
    /// instance metadata). Ignored when the host registers its own <c>IAmazonDynamoDB</c>.
    /// </summary>
    public string? Region { get; set; }
}
