using ChatBedrock.Domain;
using Microsoft.Extensions.DependencyInjection;

namespace ChatBedrock.Application.Tests;

public sealed class ImportConversationTests
{
    private readonly RecordingRepository _repository = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ImportConversation UseCase => new ServiceCollection()
        .AddLogging()
        .AddSingleton<IConversationRepository>(_repository)
        .AddConversationUseCases()
        .BuildServiceProvider()
        .GetRequiredService<ImportConversation>();

    [Fact]
    public async Task Import_StoresTheTurnsInOrderUnderANewSession_KeepingTheStoppedMark()
    {
        var id = await UseCase.ExecuteAsync(
            [new("user", "q0"), new("assistant", "a0"), new("user", "こんにちは"), new("assistant", "part", Interrupted: true)], Ct);

        var stored = await _repository.LoadAsync(id, null, Ct);
        stored.Select(m => (m.Role, m.Content, m.Interrupted)).Should().Equal(
            (ChatRole.User, "q0", false), (ChatRole.Assistant, "a0", false), (ChatRole.User, "こんにちは", false), (ChatRole.Assistant, "part", true));
    }

    public static TheoryData<ImportedMessage[]> Invalid => new()
    {
        Array.Empty<ImportedMessage>(),
        new ImportedMessage[] { new("user", "q") },
        new ImportedMessage[] { new("assistant", "a"), new("user", "q") },
        new ImportedMessage[] { new("user", "q"), new("user", "q2") },
        new ImportedMessage[] { new("user", "q"), new("system", "s") },
        new ImportedMessage[] { new("user", "q"), new("assistant", null) },
        new ImportedMessage[] { new("user", "   "), new("assistant", "a") },
        new ImportedMessage[] { new("user", new string('x', 16_001)), new("assistant", "a") },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task Import_OfMessagesThatAreNotWholeTurns_IsRefused_AndStoresNothing(ImportedMessage[] messages)
    {
        var act = () => UseCase.ExecuteAsync(messages, Ct);

        await act.Should().ThrowAsync<ChatException>();
        _repository.Appends.Should().Be(0);
    }

    [Fact]
    public async Task Import_OfTooManyMessages_IsRefused()
    {
        var messages = Enumerable.Range(0, ImportConversation.MaxMessages / 2 + 1)
            .SelectMany(i => new ImportedMessage[] { new("user", $"q{i}"), new("assistant", $"a{i}") }).ToArray();

        var act = () => UseCase.ExecuteAsync(messages, Ct);

        (await act.Should().ThrowAsync<ChatException>()).Which.Code.Should().Be(ChatErrorCode.RequestInvalid);
    }

    [Fact]
    public async Task Import_WhenTheStoreFailsMidway_LeavesNoHalfConversation()
    {
        _repository.FailAppendWith = new ChatException(ChatErrorCode.StoreUnavailable, "down");

        var act = () => UseCase.ExecuteAsync([new("user", "q"), new("assistant", "a")], Ct);

        (await act.Should().ThrowAsync<ChatException>()).Which.Code.Should().Be(ChatErrorCode.StoreUnavailable);
    }
}
