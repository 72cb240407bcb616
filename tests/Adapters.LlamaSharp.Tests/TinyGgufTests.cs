using LLama;
using LLama.Common;

namespace ChatBedrock.Adapters.LlamaSharp.Tests;

/// <summary>The test model writer itself: llama.cpp reads back what it declares.</summary>
public sealed class TinyGgufTests(TinyModels models)
{
    [Fact]
    public void Write_ProducesASmallModelThatLlamaCppLoadsWithItsDeclaredShape()
    {
        using var weights = LLamaWeights.LoadFromFile(new ModelParams(models.Babbling) { GpuLayerCount = 0 });

        new FileInfo(models.Babbling).Length.Should().BeInRange(100_000, 1_000_000);
        weights.EmbeddingSize.Should().Be(TinyGguf.EmbeddingLength);
        weights.ContextSize.Should().Be(TinyGguf.ContextLength);
        weights.Vocab.Count.Should().Be(TinyGguf.Vocabulary.Count);
        weights.Vocab.EOS.Should().Be((LLama.Native.LLamaToken)2);
        weights.NativeHandle.GetTemplate(strict: false).Should().Be(TinyGguf.ChatMlTemplate);
    }

    [Fact]
    public void Write_WithoutATemplate_LeavesTheMetadataOut()
    {
        using var weights = LLamaWeights.LoadFromFile(new ModelParams(models.WithoutTemplate) { GpuLayerCount = 0 });

        weights.NativeHandle.GetTemplate(strict: false).Should().BeNull();
    }

    [Fact]
    public void Write_WithTheSameSeed_WritesTheSameBytes()
    {
        var again = models.PathFor("babbling-again.gguf");

        TinyGguf.Write(again);

        File.ReadAllBytes(again).Should().Equal(File.ReadAllBytes(models.Babbling));
    }

    [Fact]
    public void Write_WhenTheRecitedTextRepeatsAByte_Refuses()
    {
        var act = () => TinyGguf.Write(models.PathFor("bad.gguf"), new TinyGgufOptions { Recites = "aa" });

        act.Should().Throw<ArgumentException>();
    }
}
