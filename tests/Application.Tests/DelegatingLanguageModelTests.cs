using System.Runtime.CompilerServices;
using ChatBedrock.Domain;
using ChatBedrock.Testing;

namespace ChatBedrock.Application.Tests;

public sealed class DelegatingLanguageModelTests
{
    private static readonly ModelRequest Request = new("Be brief.", [ChatMessage.User("hello")], new ModelSettings());

    private readonly ScriptedLanguageModel _inner = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AWrapperThatOverridesNothing_ForwardsBothCallsUnchanged()
    {
        _inner.Answer("one").Answer("tw", "o");
        var model = new PassThrough(_inner);

        var complete = await model.CompleteAsync(Request, Ct);
        var streamed = await model.StreamAsync(Request, Ct).ToListAsync(Ct);

        complete.Text.Should().Be("one");
        streamed.OfType<ModelTextDelta>().Select(d => d.Text).Should().Equal("tw", "o");
        streamed[^1].Should().BeOfType<ModelStreamEnd>();
        _inner.Requests.Should().Equal(Request, Request);
    }

    [Fact]
    public async Task AWrapper_SeesAndChangesTheRequestAndTheAnswerOfBothCalls()
    {
        _inner.Answer("quiet").Answer("qui", "et");
        var model = new Shouting(_inner);

        var complete = await model.CompleteAsync(Request, Ct);
        var streamed = await model.StreamAsync(Request, Ct).ToListAsync(Ct);

        complete.Text.Should().Be("QUIET");
        streamed.OfType<ModelTextDelta>().Select(d => d.Text).Should().Equal("QUI", "ET");
        streamed[^1].Should().BeOfType<ModelStreamEnd>();
        _inner.Requests.Should().OnlyContain(r => r.SystemPrompt == "Be brief. Shout.");
    }

    [Fact]
    public void Constructor_WithoutAnInnerModel_Throws()
    {
        var act = () => new PassThrough(null!);

        act.Should().Throw<ArgumentNullException>();
    }

    private sealed class PassThrough(ILanguageModel inner) : DelegatingLanguageModel(inner);

    /// <summary>Adds to the system prompt and upper-cases the answer: interception on the way in and out.</summary>
    private sealed class Shouting(ILanguageModel inner) : DelegatingLanguageModel(inner)
    {
        public override async Task<ModelResponse> CompleteAsync(ModelRequest request, CancellationToken cancellationToken)
        {
            var response = await base.CompleteAsync(Louder(request), cancellationToken);
            return response with { Text = response.Text.ToUpperInvariant() };
        }

        public override async IAsyncEnumerable<ModelStreamUpdate> StreamAsync(ModelRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var update in base.StreamAsync(Louder(request), cancellationToken))
            {
                yield return update is ModelTextDelta delta ? new ModelTextDelta(delta.Text.ToUpperInvariant()) : update;
            }
        }

        private static ModelRequest Louder(ModelRequest request) => request with { SystemPrompt = request.SystemPrompt + " Shout." };
    }
}
