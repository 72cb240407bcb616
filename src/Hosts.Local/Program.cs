using ChatBedrock.Hosting;
using ChatBedrock.Hosts.Local;

if (LocalHost.IsHelp(args))
{
    Console.Out.WriteLine(LocalHost.Usage);
    return 0;
}

try
{
    var app = await LocalHost.BuildAsync(new LocalHostOptions { Args = args }, CancellationToken.None).ConfigureAwait(false);
    await using (app.ConfigureAwait(false))
    {
        await app.RunAsync().ConfigureAwait(false);
    }

    return 0;
}
catch (ChatConfigurationException invalid)
{
    await Console.Error.WriteLineAsync(invalid.Message).ConfigureAwait(false);
    return 2;
}
catch (IOException cannotListen) when (cannotListen.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
{
    await Console.Error.WriteLineAsync($"{cannotListen.Message} Is ChatBedrock already running? Choose another address with --urls, e.g. --urls http://127.0.0.1:5050").ConfigureAwait(false);
    return 2;
}
