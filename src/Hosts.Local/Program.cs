using ChatBedrock.Hosts.Local;

return await LocalCommand.RunAsync(new LocalHostOptions { Args = args }, Console.Out, Console.Error).ConfigureAwait(false);
