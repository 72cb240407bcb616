using ChatBedrock.Hosts.Lambda;
using Microsoft.Extensions.Configuration;

var environment = new ConfigurationBuilder().AddEnvironmentVariables().Build();
return await LambdaHost.RunAsync(new LambdaHostOptions { Configuration = environment }, CancellationToken.None).ConfigureAwait(false);
