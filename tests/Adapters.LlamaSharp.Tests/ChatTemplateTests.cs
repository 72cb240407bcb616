using ChatBedrock.Domain;

namespace ChatBedrock.Adapters.LlamaSharp.Tests;

/// <summary>Prompt formatting against the published formats of well-known templates, through llama.cpp's matcher.</summary>
public sealed class ChatTemplateTests
{
    private static readonly ChatMessage[] Conversation =
    [
        ChatMessage.User("こんにちは"),
        ChatMessage.Assistant("はい、どうぞ。"),
        ChatMessage.User("Say something."),
    ];

    private const string ChatMl =
        "<|im_start|>system\nBe terse.<|im_end|>\n" +
        "<|im_start|>user\nこんにちは<|im_end|>\n" +
        "<|im_start|>assistant\nはい、どうぞ。<|im_end|>\n" +
        "<|im_start|>user\nSay something.<|im_end|>\n" +
        "<|im_start|>assistant\n";

    private const string Llama3 =
        "<|start_header_id|>system<|end_header_id|>\n\nBe terse.<|eot_id|>" +
        "<|start_header_id|>user<|end_header_id|>\n\nこんにちは<|eot_id|>" +
        "<|start_header_id|>assistant<|end_header_id|>\n\nはい、どうぞ。<|eot_id|>" +
        "<|start_header_id|>user<|end_header_id|>\n\nSay something.<|eot_id|>" +
        "<|start_header_id|>assistant<|end_header_id|>\n\n";

    // Gemma has no system role: the system prompt opens the first user turn.
    private const string Gemma =
        "<start_of_turn>user\nBe terse.\n\nこんにちは<end_of_turn>\n" +
        "<start_of_turn>model\nはい、どうぞ。<end_of_turn>\n" +
        "<start_of_turn>user\nSay something.<end_of_turn>\n" +
        "<start_of_turn>model\n";

    private const string Llama3Jinja =
        "{% set loop_messages = messages %}{% for message in loop_messages %}" +
        "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}" +
        "{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";

    private const string GemmaJinja =
        "{% for message in messages %}{{ '<start_of_turn>' + (message['role'] == 'assistant' and 'model' or message['role']) + '\n' + message['content'] | trim + '<end_of_turn>\n' }}" +
        "{% endfor %}{% if add_generation_prompt %}{{'<start_of_turn>model\n'}}{% endif %}";

    public static TheoryData<string, string> KnownTemplates => new()
    {
        { "chatml", ChatMl },
        { TinyGguf.ChatMlTemplate, ChatMl },
        { "llama3", Llama3 },
        { Llama3Jinja, Llama3 },
        { "gemma", Gemma },
        { GemmaJinja, Gemma },
    };

    [Theory]
    [MemberData(nameof(KnownTemplates))]
    public void Format_WithAKnownTemplate_WritesItsPublishedFormat(string template, string expected)
    {
        ChatTemplate.TryCreate(template, "test", out var chat).Should().BeTrue();

        chat.Format("Be terse.", Conversation).Should().Be(expected);
    }

    [Fact]
    public void Format_WithoutASystemPrompt_StartsWithTheFirstMessage()
    {
        ChatTemplate.TryCreate("chatml", "test", out var chat);

        chat.Format(null, [ChatMessage.User("Hi")]).Should().Be("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
    }

    [Fact]
    public void Format_WithStoredSystemMessages_KeepsThemInPlace()
    {
        ChatTemplate.TryCreate("chatml", "test", out var chat);

        chat.Format("A", [ChatMessage.System("B"), ChatMessage.User("Hi")])
            .Should().Be("<|im_start|>system\nA<|im_end|>\n<|im_start|>system\nB<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
    }

    [Theory]
    [InlineData("chatml")]
    [InlineData("llama3")]
    [InlineData("gemma")]
    [InlineData("mistral-v7")]
    [InlineData("phi3")]
    [InlineData("deepseek3")]
    public void TryCreate_AcceptsTheBuiltInNamesTheDocumentationLists(string name)
    {
        ChatTemplate.TryCreate(name, "test", out _).Should().BeTrue();
    }

    [Fact]
    public void TryCreate_WithATemplateLlamaCppDoesNotKnow_Fails()
    {
        ChatTemplate.TryCreate("{{ messages | my_own_filter }}", "test", out _).Should().BeFalse();
    }

    [Fact]
    public void Resolve_PrefersTheConfiguredTemplateToTheModels()
    {
        var chat = ChatTemplate.Resolve("llama3", TinyGguf.ChatMlTemplate);

        chat.Format("Be terse.", Conversation).Should().Be(Llama3);
        chat.Description.Should().Be("configured");
    }

    [Fact]
    public void Resolve_UsesTheModelsOwnTemplate()
    {
        var chat = ChatTemplate.Resolve(null, Llama3Jinja);

        chat.Format("Be terse.", Conversation).Should().Be(Llama3);
        chat.Description.Should().Be("the model's own");
    }

    [Theory]
    [InlineData(null, "the model file has no chat template")]
    [InlineData("{{ messages | my_own_filter }}", "llama.cpp does not recognise the model's template")]
    public void Resolve_WithoutAUsableModelTemplate_FallsBackToChatMl(string? fromModel, string reason)
    {
        var chat = ChatTemplate.Resolve(null, fromModel);

        chat.Format("Be terse.", Conversation).Should().Be(ChatMl);
        chat.Description.Should().Be($"chatml ({reason})");
    }

    [Fact]
    public void Resolve_WithAnUnknownConfiguredTemplate_ThrowsModelNotConfiguredNamingTheSetting()
    {
        var act = () => ChatTemplate.Resolve("my-own-format", TinyGguf.ChatMlTemplate);

        var error = act.Should().Throw<ChatException>().Which;
        error.Code.Should().Be(ChatErrorCode.ModelNotConfigured);
        error.Message.Should().Contain("LlamaSharp:ChatTemplate");
    }
}
