namespace ChatBedrock.Adapters.LlamaSharp.Tests;

public sealed class ConsoleDownloadProgressTests
{
    [Fact]
    public void Report_OnATerminal_RedrawsOneLineAndEndsItWhenDone()
    {
        using var writer = new StringWriter();
        var progress = new ConsoleDownloadProgress(writer, redrawInPlace: true, "model");

        progress.Report(new DownloadProgress(0, 200_000_000));
        progress.Report(new DownloadProgress(100_000_000, 200_000_000));
        progress.Report(new DownloadProgress(200_000_000, 200_000_000));

        var output = writer.ToString();
        output.Split('\r', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(3);
        output.Should().Contain("model [###############...............]  50%  100.0/200.0 MB");
        output.Should().EndWith("200.0/200.0 MB" + Environment.NewLine);
    }

    [Fact]
    public void Report_WhenRedirected_WritesALineEveryTenPercent()
    {
        using var writer = new StringWriter();
        var progress = new ConsoleDownloadProgress(writer, redrawInPlace: false);

        for (var received = 0; received <= 1000; received++)
        {
            progress.Report(new DownloadProgress(received, 1000));
        }

        writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(11);
    }
}
