using Amazon;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using ChatBedrock.Domain;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Adapters.DynamoDb;

/// <summary>
/// The client the store uses: the host's <see cref="IAmazonDynamoDB"/> when it registered one (never disposed
/// here), otherwise one built from <see cref="DynamoDbStoreOptions"/> and disposed with the container.
/// </summary>
internal sealed class DynamoDbClientLease : IDisposable
{
    private readonly bool _owned;

    public DynamoDbClientLease(IServiceProvider services, IOptions<DynamoDbStoreOptions> options)
    {
        var shared = services.GetService<IAmazonDynamoDB>();
        _owned = shared is null;
        Client = shared ?? Create(options.Value, Environment.GetEnvironmentVariable);
    }

    public IAmazonDynamoDB Client { get; }

    public void Dispose()
    {
        if (_owned)
        {
            Client.Dispose();
        }
    }

    /// <summary>The standard variables that override the endpoint, the service-specific one first.</summary>
    public static readonly string[] EndpointVariables = ["AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL"];

    /// <summary>The endpoint: the <see cref="DynamoDbStoreOptions.ServiceUrl"/> setting, else AWS_ENDPOINT_URL_DYNAMODB, else AWS_ENDPOINT_URL.</summary>
    public static string? ServiceUrl(DynamoDbStoreOptions options, Func<string, string?> environment) =>
        EndpointVariables.Select(environment).Prepend(options.ServiceUrl).FirstOrDefault(url => !string.IsNullOrWhiteSpace(url));

    public static AmazonDynamoDBClient Create(DynamoDbStoreOptions options, Func<string, string?> environment)
    {
        var config = new AmazonDynamoDBConfig();
        if (ServiceUrl(options, environment) is { } url)
        {
            config.ServiceURL = url;
            if (options.Region is { } signingRegion)
            {
                config.AuthenticationRegion = signingRegion;
            }
        }
        else if (options.Region is { } region)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        try
        {
            return new AmazonDynamoDBClient(config);
        }
        catch (AmazonClientException e)
        {
            // Typically "No RegionEndpoint or ServiceURL configured", raised while the host resolves the store.
            throw new ChatException(
                ChatErrorCode.StoreUnavailable,
                $"The DynamoDB client could not be created: {e.Message}. Set {DynamoDbStoreOptions.SectionName}:Region (or AWS_REGION), or {DynamoDbStoreOptions.SectionName}:ServiceUrl.",
                e);
        }
    }
}
