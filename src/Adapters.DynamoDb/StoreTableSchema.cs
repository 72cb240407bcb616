using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace ChatBedrock.Adapters.DynamoDb;

/// <summary>
/// The table each layout needs, as a CreateTable request (the README gives the same as AWS CLI commands).
/// The store never creates tables itself: deployment does, with TTL and capacity settings of its choice.
/// </summary>
internal static class StoreTableSchema
{
    public static CreateTableRequest CreateTableRequest(DynamoDbStoreOptions options)
    {
        var request = new CreateTableRequest
        {
            TableName = options.TableName,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions = [new AttributeDefinition(options.PartitionKeyName, ScalarAttributeType.S)],
            KeySchema = [new KeySchemaElement(options.PartitionKeyName, KeyType.HASH)],
        };
        if (options.Layout == DynamoDbStoreLayout.Turns)
        {
            request.AttributeDefinitions.Add(new AttributeDefinition(options.SortKeyName, ScalarAttributeType.N));
            request.KeySchema.Add(new KeySchemaElement(options.SortKeyName, KeyType.RANGE));
        }

        return request;
    }

    /// <summary>Creates the table and waits until it is ACTIVE: for tests, benchmarks and local emulators.</summary>
    public static async Task CreateAsync(IAmazonDynamoDB client, DynamoDbStoreOptions options, CancellationToken cancellationToken)
    {
        await client.CreateTableAsync(CreateTableRequest(options), cancellationToken).ConfigureAwait(false);
        while ((await client.DescribeTableAsync(options.TableName, cancellationToken).ConfigureAwait(false)).Table.TableStatus != TableStatus.ACTIVE)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken).ConfigureAwait(false);
        }
    }
}
