using System.Diagnostics;
using System.Runtime.CompilerServices;
using ChatBedrock.Domain;

namespace ChatBedrock.Application.Telemetry;

/// <summary>
/// Traces and measures every call of the model it wraps as the OpenTelemetry GenAI conventions say: a client
/// span <c>chat {model}</c> with <c>gen_ai.*</c> attributes, and the <c>gen_ai.client.token.usage</c> and
/// <c>gen_ai.client.operation.duration</c> histograms. Message text only with
/// <see cref="ChatTelemetryOptions.RecordMessageText"/>. <c>AddConversationUseCases</c> applies it to any model.
/// </summary>
public sealed class TelemetryLanguageModel : DelegatingLanguageModel
{
    private readonly bool _recordMessageText;
    private readonly TimeProvider _time;

    public TelemetryLanguageModel(ILanguageModel innerModel, ChatTelemetryOptions? options = null, TimeProvider? time = null)
        : base(innerModel)
    {
        _recordMessageText = options?.RecordMessageText ?? false;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The GenAI <c>gen_ai.provider.name</c> of a <see cref="ModelStatus.Provider"/>: <c>bedrock</c> is <c>aws.bedrock</c>.</summary>
    public static string ProviderName(string provider) =>
        string.Equals(provider, "bedrock", StringComparison.OrdinalIgnoreCase) ? "aws.bedrock" : provider;

    private static bool Observed =>
        ChatBedrockTelemetry.Source.HasListeners() || ChatBedrockTelemetry.TokenUsage.Enabled || ChatBedrockTelemetry.OperationDuration.Enabled;

    /// <inheritdoc />
    public override async Task<ModelResponse> CompleteAsync(ModelRequest request, CancellationToken cancellationToken)
    {
        if (!Observed)
        {
            return await InnerModel.CompleteAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var status = await InnerModel.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        var call = Start(request, status);
        try
        {
            var response = await InnerModel.CompleteAsync(request, cancellationToken).ConfigureAwait(false);
            call.Succeeded(_recordMessageText ? response.Text : null, response.Usage, response.StopReason);
            return response;
        }
        catch (Exception e)
        {
            call.Failed(e);
            throw;
        }
    }

    /// <inheritdoc />
    public override IAsyncEnumerable<ModelStreamUpdate> StreamAsync(ModelRequest request, CancellationToken cancellationToken) =>
        Observed ? StreamObservedAsync(request, cancellationToken) : InnerModel.StreamAsync(request, cancellationToken);

    private async IAsyncEnumerable<ModelStreamUpdate> StreamObservedAsync(ModelRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var status = await InnerModel.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        var call = Start(request, status);
        var answer = _recordMessageText ? new System.Text.StringBuilder() : null;
        ModelStreamEnd? end = null;
        try
        {
            // The span stays current while the inner model runs, not while the caller handles each delta.
            await using var updates = InnerModel.StreamAsync(request, cancellationToken).GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                ModelStreamUpdate update;
                try
                {
                    // Each resumption runs in the caller's context, where the span is not current.
                    Activity.Current = call.Activity ?? Activity.Current;
                    var more = await updates.MoveNextAsync().ConfigureAwait(false);
                    if (!more)
                    {
                        break;
                    }

                    update = updates.Current;
                }
                catch (Exception e)
                {
                    call.Failed(e);
                    throw;
                }

                (answer, end) = update switch
                {
                    ModelTextDelta delta => (answer?.Append(delta.Text), end),
                    ModelStreamEnd last => (answer, last),
                    _ => (answer, end),
                };
                yield return update;
            }
        }
        finally
        {
            if (end is not null)
            {
                call.Succeeded(answer?.ToString(), end.Usage, end.StopReason);
            }
            else
            {
                // The caller stopped reading (or the stream broke before its end, already recorded).
                call.Failed(new OperationCanceledException());
            }
        }
    }

    // Synchronous, so the span it starts stays current in the calling method (an async method's changes to
    // Activity.Current do not flow back to its caller).
    private ModelCall Start(ModelRequest request, ModelStatus status)
    {
        ArgumentNullException.ThrowIfNull(request);
        var tags = new TagList
        {
            { "gen_ai.operation.name", "chat" },
            { "gen_ai.provider.name", ProviderName(status.Provider) },
            { "gen_ai.request.model", status.ModelId },
        };
        var activity = ChatBedrockTelemetry.Source.StartActivity($"chat {status.ModelId}", ActivityKind.Client, default(ActivityContext), tags);
        if (activity is { IsAllDataRequested: true })
        {
            var settings = request.Settings;
            activity.SetTag("gen_ai.request.max_tokens", settings.MaxTokens);
            activity.SetTag("gen_ai.request.temperature", settings.Temperature);
            if (settings.TopP is { } topP)
            {
                activity.SetTag("gen_ai.request.top_p", topP);
            }

            if (settings.StopSequences.Count > 0)
            {
                activity.SetTag("gen_ai.request.stop_sequences", settings.StopSequences.ToArray());
            }

            if (_recordMessageText)
            {
                if (request.SystemPrompt is { } system)
                {
                    activity.SetTag("gen_ai.system_instructions", GenAiMessages.Instructions(system));
                }

                activity.SetTag("gen_ai.input.messages", GenAiMessages.Input(request.Messages));
            }
        }

        return new ModelCall(activity, tags, _time, _time.GetTimestamp());
    }

    private sealed class ModelCall(Activity? activity, TagList tags, TimeProvider time, long started)
    {
        private bool _ended;

        public Activity? Activity => activity;

        public void Succeeded(string? text, ModelUsage usage, string stopReason)
        {
            if (!Begin())
            {
                return;
            }

            if (activity is { IsAllDataRequested: true })
            {
                activity.SetTag("gen_ai.response.finish_reasons", new[] { stopReason });
                activity.SetTag("gen_ai.usage.input_tokens", usage.PromptTokens);
                activity.SetTag("gen_ai.usage.output_tokens", usage.OutputTokens);
                if (usage.CacheReadInputTokens > 0)
                {
                    activity.SetTag("gen_ai.usage.cache_read.input_tokens", usage.CacheReadInputTokens);
                }

                if (usage.CacheWriteInputTokens > 0)
                {
                    activity.SetTag("gen_ai.usage.cache_creation.input_tokens", usage.CacheWriteInputTokens);
                }

                if (text is not null)
                {
                    activity.SetTag("gen_ai.output.messages", GenAiMessages.Output(text, stopReason));
                }
            }

            // The conventions count every prompt token as input, cached or not.
            Record(usage.PromptTokens, "input");
            Record(usage.OutputTokens, "output");
            End(tags);
        }

        public void Failed(Exception exception)
        {
            if (!Begin())
            {
                return;
            }

            var errorType = ChatBedrockTelemetry.ErrorType(exception);
            ChatBedrockTelemetry.Fail(activity, errorType);
            var failed = tags;
            failed.Add("error.type", errorType);
            End(failed);
        }

        private bool Begin()
        {
            var first = !_ended;
            _ended = true;
            return first;
        }

        private void Record(int tokens, string type)
        {
            var tokenTags = tags;
            tokenTags.Add("gen_ai.token.type", type);
            ChatBedrockTelemetry.TokenUsage.Record(tokens, tokenTags);
        }

        private void End(TagList durationTags)
        {
            ChatBedrockTelemetry.OperationDuration.Record(time.GetElapsedTime(started).TotalSeconds, durationTags);
            activity?.Dispose();
        }
    }
}
