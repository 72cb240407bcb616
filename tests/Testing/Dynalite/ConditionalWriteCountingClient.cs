using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

namespace ChatBedrock.Testing.Dynalite;

/// <summary>
/// A DynamoDB client that counts the writes DynamoDB refused because their condition failed (each one is
/// billed like a write), and every write it sent, so contention can be measured by what the store does,
/// not by timing.
/// </summary>
public sealed class ConditionalWriteCountingClient(Uri endpoint)
    : AmazonDynamoDBClient(new BasicAWSCredentials("test", "test"), new AmazonDynamoDBConfig { ServiceURL = endpoint.ToString(), AuthenticationRegion = "ap-northeast-1" })
{
    private int _failedConditionalWrites;
    private int _writes;

    /// <summary>Writes refused with <see cref="ConditionalCheckFailedException"/>.</summary>
    public int FailedConditionalWrites => Volatile.Read(ref _failedConditionalWrites);

    /// <summary>PutItem, UpdateItem and DeleteItem requests sent, refused or not.</summary>
    public int Writes => Volatile.Read(ref _writes);

    /// <summary>Starts counting again from zero.</summary>
    public void Reset() => (_failedConditionalWrites, _writes) = (0, 0);

    public override Task<PutItemResponse> PutItemAsync(PutItemRequest request, CancellationToken cancellationToken = default) =>
        CountAsync(() => base.PutItemAsync(request, cancellationToken));

    public override Task<UpdateItemResponse> UpdateItemAsync(UpdateItemRequest request, CancellationToken cancellationToken = default) =>
        CountAsync(() => base.UpdateItemAsync(request, cancellationToken));

    public override Task<DeleteItemResponse> DeleteItemAsync(DeleteItemRequest request, CancellationToken cancellationToken = default) =>
        CountAsync(() => base.DeleteItemAsync(request, cancellationToken));

    private async Task<T> CountAsync<T>(Func<Task<T>> write)
    {
        Interlocked.Increment(ref _writes);
        try
        {
            return await write().ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException)
        {
            Interlocked.Increment(ref _failedConditionalWrites);
            throw;
        }
    }
}
