using ChatBedrock.Adapters.LlamaSharp.Tests;

[assembly: AssemblyFixture(typeof(TinyModels))]

namespace ChatBedrock.Adapters.LlamaSharp.Tests;

/// <summary>The tiny GGUF models the tests run, written once per test run into a temporary folder.</summary>
public sealed class TinyModels : IDisposable
{
    /// <summary>What <see cref="Reciting"/> answers: multi-byte characters of every UTF-8 length, each split over byte tokens.</summary>
    public const string RecitedText = "aé日語😀";

    private readonly string _directory = Directory.CreateTempSubdirectory("chatbedrock-tiny-gguf-").FullName;

    public TinyModels()
    {
        Babbling = Write("babbling.gguf", new TinyGgufOptions());
        Reciting = Write("reciting.gguf", new TinyGgufOptions { Recites = RecitedText });
        Silent = Write("silent.gguf", new TinyGgufOptions { EndsAtOnce = true });
        WithoutTemplate = Write("no-template.gguf", new TinyGgufOptions { ChatTemplate = null, Recites = RecitedText });
    }

    /// <summary>Random text at temperature 0 deterministic, never ending before the token limit.</summary>
    public string Babbling { get; }

    /// <summary>Answers <see cref="RecitedText"/> to any ChatML prompt, then ends its turn.</summary>
    public string Reciting { get; }

    /// <summary>Answers nothing: it ends its turn at once.</summary>
    public string Silent { get; }

    /// <summary>Like <see cref="Reciting"/> but without a chat template in the file.</summary>
    public string WithoutTemplate { get; }

    /// <summary>A path in the fixture's folder for a test's own file.</summary>
    public string PathFor(string name) => Path.Combine(_directory, name);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, TinyGgufOptions options)
    {
        var path = PathFor(name);
        TinyGguf.Write(path, options);
        return path;
    }
}
