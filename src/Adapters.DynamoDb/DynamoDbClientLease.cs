using Amazon;
using Amazon.DynamoDBv2;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Adapters.DynamoDb;

/// <summary>
/// The client the store uses: the host's <see cref="IAmazonDynamoDB"/> when it registered one (never disposed
/// here), otherwise one built from <see cref="DynamoDbHistoryOptions"/> and disposed with the container.
/// </summary>
internal sealed class DynamoDbClientLease : IDisposable
{
    private readonly bool _owned;

    public DynamoDbClientLease(IServiceProvider services, IOptions<DynamoDbHistoryOptions> options)
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

    /// <summary>The endpoint: the <see cref="DynamoDbHistoryOptions.ServiceUrl"/> setting, else AWS_ENDPOINT_URL_DYNAMODB, else AWS_ENDPOINT_URL.</summary>
    public static string? ServiceUrl(DynamoDbHistoryOptions options, Func<string, string?> environment) =>
        new[] { options.ServiceUrl, environment("AWS_ENDPOINT_URL_DYNAMODB"), environment("AWS_ENDPOINT_URL") }
            .FirstOrDefault(url => !string.IsNullOrWhiteSpace(url));

    public static AmazonDynamoDBClient Create(DynamoDbHistoryOptions options, Func<string, string?> environment)
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

        return new AmazonDynamoDBClient(config);
    }
}
