namespace ChatBedrock.Adapters.LlamaSharp.Tests;

public sealed class StopSequenceFilterTests
{
    [Fact]
    public void Push_WithoutStopSequences_PassesEverythingAtOnce()
    {
        var filter = new StopSequenceFilter([]);

        filter.Push("abc").Should().Be("abc");
        filter.Flush().Should().BeEmpty();
    }

    [Fact]
    public void Push_HoldsBackAPossibleStopSequence_AndShowsNoneOfItOnceComplete()
    {
        var filter = new StopSequenceFilter(["END"]);

        filter.Push("the E").Should().Be("the ");
        filter.Push("N").Should().BeEmpty();
        filter.Push("D?").Should().BeEmpty();
        filter.Stopped.Should().BeTrue();
    }

    [Fact]
    public void Push_ReleasesAHeldTailOnceItCannotMatch()
    {
        var filter = new StopSequenceFilter(["END"]);

        filter.Push("the EN").Should().Be("the ");
        filter.Push("gine").Should().Be("ENgine");
        filter.Stopped.Should().BeFalse();
    }

    [Fact]
    public void Push_StopsAtTheEarliestOfSeveralStopSequences()
    {
        var filter = new StopSequenceFilter(["world", "lo"]);

        filter.Push("hello world").Should().Be("hel");
        filter.Stopped.Should().BeTrue();
    }

    [Fact]
    public void Push_FindsAStopSequenceSpreadOverManyPieces()
    {
        var filter = new StopSequenceFilter(["\n\nUser:"]);
        var shown = string.Concat("Sure.\n", "\nUs", "er", ":", " next").Select(c => filter.Stopped ? "" : filter.Push(c.ToString()));

        string.Concat(shown).Should().Be("Sure.");
        filter.Stopped.Should().BeTrue();
    }

    [Fact]
    public void Flush_ReturnsWhatWasHeldBack()
    {
        var filter = new StopSequenceFilter(["。終"]);

        filter.Push("こんにちは。").Should().Be("こんにちは");
        filter.Flush().Should().Be("。");
    }

    [Fact]
    public void Push_NeverSplitsASurrogatePair()
    {
        // The stop sequence starts with the low half of 😀's pair; the held tail must not cut the pair.
        var filter = new StopSequenceFilter(["\uDE00x"]);

        var shown = filter.Push("a😀");

        shown.Should().Be("a");
        filter.Flush().Should().Be("😀");
    }

    [Fact]
    public void Push_IgnoresEmptyStopSequences()
    {
        var filter = new StopSequenceFilter(["", "zz"]);

        filter.Push("abc").Should().Be("abc");
        filter.Stopped.Should().BeFalse();
    }
}
