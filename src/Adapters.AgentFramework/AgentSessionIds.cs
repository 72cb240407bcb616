using System.Text.Json.Serialization;
using ChatBedrock.Domain;
using Microsoft.Agents.AI;

namespace ChatBedrock.Adapters.AgentFramework;

/// <summary>
/// Which ChatBedrock session an Agent Framework session's history lives in. The id is kept in the session's
/// <see cref="AgentSession.StateBag"/>, so it is serialized with the session; a session without one gets a new
/// random id on its first run.
/// </summary>
public static class AgentSessionIds
{
    /// <summary>The <see cref="AgentSession.StateBag"/> key of the id.</summary>
    public const string StateKey = "ChatBedrock.SessionId";

    /// <summary>The ChatBedrock session id of <paramref name="session"/>, or null before its first run.</summary>
    /// <exception cref="ChatException"><see cref="ChatErrorCode.SessionIdInvalid"/> when the stored id breaks the session-id rule.</exception>
    public static SessionId? GetChatBedrockSessionId(this AgentSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.StateBag.TryGetValue<string>(StateKey, out var value, AgentFrameworkJson.Default.Options) && value is not null
            ? SessionId.Parse(value)
            : null;
    }

    /// <summary>
    /// Ties <paramref name="session"/> to an existing ChatBedrock session (one the HTTP API, the use case or a
    /// LangChain app wrote), so the agent continues that conversation.
    /// </summary>
    public static void SetChatBedrockSessionId(this AgentSession session, SessionId sessionId)
    {
        ArgumentNullException.ThrowIfNull(session);
        session.StateBag.SetValue(StateKey, sessionId.Value, AgentFrameworkJson.Default.Options);
    }

    internal static SessionId GetOrCreate(AgentSession? session)
    {
        if (session is null)
        {
            throw new InvalidOperationException("The ChatBedrock history provider needs an agent session to know which conversation to use.");
        }

        if (session.GetChatBedrockSessionId() is { } existing)
        {
            return existing;
        }

        var created = SessionId.New();
        session.SetChatBedrockSessionId(created);
        return created;
    }
}

[JsonSerializable(typeof(string))]
internal sealed partial class AgentFrameworkJson : JsonSerializerContext;
