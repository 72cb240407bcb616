using ChatBedrock.Application;
using ChatBedrock.Domain;
using ChatBedrock.Testing.Bedrock;
using Microsoft.Extensions.Logging;
using static ChatBedrock.Adapters.Bedrock.Tests.Streams;

namespace ChatBedrock.Adapters.Bedrock.Tests;

/// <summary>Errors, retries, deadlines and cancellation, with faults injected by the emulator.</summary>
public sealed class BedrockFaultTests : IAsyncDisposable
{
    private static readonly ModelRequest Question = new(null, [ChatMessage.User("Hello there")], new ModelSettings { MaxTokens = 100, Temperature = 0 });
    private readonly BedrockTestBeds _beds = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _beds.DisposeAsync();

    [Fact]
    public async Task Complete_WhenThrottledTwice_RetriesAndAnswers()
    {
        var bed = await _beds.StartAsync();
        bed.Emulator.Enqueue(BedrockReply.Throttle(), times: 2).Enqueue(BedrockReply.Text("finally"));

        var response = await bed.Model.CompleteAsync(Question, Ct);

        response.Text.Should().Be("finally");
        bed.Emulator.Requests.Should().HaveCount(3);
    }

    [Fact]
    public async Task Complete_WhenThrottledMoreThanMaxRetries_ThrowsModelThrottled()
    {
        var bed = await _beds.StartAsync(o => o.MaxRetries = 2);
        bed.Emulator.Enqueue(BedrockReply.Throttle(), times: 5);

        var error = await CatchAsync(() => bed.Model.CompleteAsync(Question, Ct));

        error.Code.Should().Be(ChatErrorCode.ModelThrottled);
        error.Message.Should().Contain("retry later");
        bed.Emulator.Requests.Should().HaveCount(3);
    }

    [Fact]
    public async Task Complete_WhenTheNextBackoffWouldPassTheDeadline_GivesUpBeforeIt()
    {
        var bed = await _beds.StartAsync(o =>
        {
            o.RequestTimeout = TimeSpan.FromSeconds(2);
            o.RetryBaseDelay = TimeSpan.FromSeconds(10);
            o.MaxRetries = 10;
        });
        bed.Emulator.Enqueue(BedrockReply.Throttle(), times: 10);

        var error = await CatchAsync(() => bed.Model.CompleteAsync(Question, Ct));

        error.Code.Should().Be(ChatErrorCode.ModelThrottled, "the throttling is reported, not a timeout spent sleeping");
        bed.Emulator.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task Complete_WhenThrottledWithRetryAfter_ReportsIt()
    {
        var bed = await _beds.StartAsync(o => o.MaxRetries = 0);
        bed.Emulator.Enqueue(BedrockReply.Throttle() with { RetryAfter = TimeSpan.FromSeconds(7) });

        var error = await CatchAsync(() => bed.Model.CompleteAsync(Question, Ct));

        error.Code.Should().Be(ChatErrorCode.ModelThrottled);
        error.RetryAfter.Should().Be(TimeSpan.FromSeconds(7));
    }

    [Theory]
    [InlineData(400, "ValidationException", ChatErrorCode.ModelInvalidRequest, false)]
    [InlineData(403, "AccessDeniedException", ChatErrorCode.ModelAccessDenied, false)]
    [InlineData(404, "ResourceNotFoundException", ChatErrorCode.ModelNotFound, false)]
    [InlineData(429, "ThrottlingException", ChatErrorCode.ModelThrottled, true)]
    [InlineData(400, "ServiceQuotaExceededException", ChatErrorCode.ModelThrottled, true)]
    [InlineData(429, "ModelNotReadyException", ChatErrorCode.ModelThrottled, true)]
    [InlineData(408, "ModelTimeoutException", ChatErrorCode.ModelUnavailable, true)]
    [InlineData(424, "ModelErrorException", ChatErrorCode.ModelUnavailable, true)]
    [InlineData(500, "InternalServerException", ChatErrorCode.ModelUnavailable, true)]
    [InlineData(503, "ServiceUnavailableException", ChatErrorCode.ModelUnavailable, true)]
    [InlineData(502, "SomethingNewException", ChatErrorCode.ModelUnavailable, true)]
    [InlineData(400, "SomethingNewException", ChatErrorCode.ModelInvalidRequest, false)]
    public async Task Errors_MapToCodes_AndOnlyTransientOnesAreRetried(int status, string type, ChatErrorCode code, bool retried)
    {
        var bed = await _beds.StartAsync(o => o.MaxRetries = 1);
        bed.Emulator.Enqueue(BedrockReply.Error(status, type, "AWS detail."), times: 2);

        var buffered = await CatchAsync(() => bed.Model.CompleteAsync(Question, Ct));

        buffered.Code.Should().Be(code);
        bed.Logs.GetSnapshot().Should().Contain(r => r.Level == LogLevel.Warning && r.Message.Contains("AWS detail.", StringComparison.Ordinal));
        bed.Emulator.Requests.Should().HaveCount(retried ? 2 : 1);
    }

    [Theory]
    [InlineData("ThrottlingException", ChatErrorCode.ModelThrottled)]
    [InlineData("ValidationException", ChatErrorCode.ModelInvalidRequest)]
    [InlineData("AccessDeniedException", ChatErrorCode.ModelAccessDenied)]
    public async Task Stream_HttpErrors_MapLikeBufferedOnes(string type, ChatErrorCode code)
    {
        var bed = await _beds.StartAsync(o => o.MaxRetries = 0);
        bed.Emulator.Enqueue(BedrockReply.Error(400, type, "AWS detail."));

        var error = await CatchAsync(() => CollectAsync(bed.Model.StreamAsync(Question, Ct)));

        error.Code.Should().Be(code);
    }

    [Fact]
    public async Task Validation_KeepsAwsMessage_SoAUserLearnsAboutInferenceProfiles()
    {
        const string aws = "Invocation of model ID anthropic.claude-3-5-sonnet-20241022-v2:0 with on-demand throughput isn't supported. " +
            "Retry your request with the ID or ARN of an inference profile that contains this model.";
        var bed = await _beds.StartAsync();
        bed.Emulator.Enqueue(BedrockReply.Error(400, "ValidationException", aws));

        var error = await CatchAsync(() => bed.Model.CompleteAsync(Question, Ct));

        error.Code.Should().Be(ChatErrorCode.ModelInvalidRequest);
        error.Message.Should().Contain(aws);
    }

    [Fact]
    public async Task AccessDenied_NamesModelAccessAndIam_AndLogsButHidesAwsMessage()
    {
        const string aws = "User: arn:aws:sts::123456789012:assumed-role/chat-role/chat-fn is not authorized to perform: bedrock:InvokeModel";
        var bed = await _beds.StartAsync();
        bed.Emulator.Enqueue(BedrockReply.Error(403, "AccessDeniedException", aws));

        var error = await CatchAsync(() => bed.Model.CompleteAsync(Question, Ct));

        error.Code.Should().Be(ChatErrorCode.ModelAccessDenied);
        error.Message.Should().ContainAll("Model access", "bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream");
        error.Message.Should().NotContainAny("123456789012", "arn:aws", "chat-role");
        bed.Logs.GetSnapshot().Should().Contain(r => r.Level == LogLevel.Warning && r.Message.Contains(aws, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Complete_WhenBedrockHangs_ThrowsModelTimeoutAtTheDeadline()
    {
        var bed = await _beds.StartAsync(o => o.RequestTimeout = TimeSpan.FromSeconds(1));
        bed.Emulator.Enqueue(BedrockReply.Hang());

        var error = await CatchAsync(() => bed.Model.CompleteAsync(Question, Ct));

        error.Code.Should().Be(ChatErrorCode.ModelTimeout);
        error.Message.Should().Contain("Bedrock:RequestTimeout");
    }

    [Fact]
    public async Task Complete_WhenTheFirstByteIsLate_StillAnswersWithinTheDeadline()
    {
        var bed = await _beds.StartAsync();
        bed.Emulator.Enqueue(BedrockReply.Text("late") with { LatencyBeforeFirstByte = TimeSpan.FromMilliseconds(300) });

        var response = await bed.Model.CompleteAsync(Question, Ct);

        response.Text.Should().Be("late");
    }

    [Fact]
    public async Task Complete_WhenTheCallerCancelsMidRequest_ThrowsOperationCanceled()
    {
        var bed = await _beds.StartAsync();
        bed.Emulator.Enqueue(BedrockReply.Hang());
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromMilliseconds(200));

        var act = () => bed.Model.CompleteAsync(Question, cts.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task Stream_WhenBedrockHangsAfterDeltas_ThrowsModelTimeoutAfterThem()
    {
        var bed = await _beds.StartAsync(o => o.RequestTimeout = TimeSpan.FromSeconds(1));
        bed.Emulator.Enqueue(BedrockReply.Text("a", "b") with { HangAfterDeltas = true });

        var (received, error) = await CollectUntilErrorAsync(bed.Model.StreamAsync(Question, Ct));

        received.Should().Equal("a", "b");
        error.Code.Should().Be(ChatErrorCode.ModelTimeout);
    }

    [Fact]
    public async Task Stream_WhenTheCallerCancelsBetweenSlowDeltas_ThrowsOperationCanceled()
    {
        var bed = await _beds.StartAsync();
        bed.Emulator.Enqueue(BedrockReply.Text("a", "b") with { DelayBetweenDeltas = TimeSpan.FromSeconds(30) });
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var act = async () =>
        {
            await foreach (var update in bed.Model.StreamAsync(Question, cts.Token))
            {
                cts.CancelAfter(TimeSpan.FromMilliseconds(100));
            }
        };

        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    [Theory]
    [InlineData("throttlingException", ChatErrorCode.ModelThrottled)]
    [InlineData("validationException", ChatErrorCode.ModelInvalidRequest)]
    [InlineData("modelStreamErrorException", ChatErrorCode.ModelUnavailable)]
    [InlineData("internalServerException", ChatErrorCode.ModelUnavailable)]
    [InlineData("serviceUnavailableException", ChatErrorCode.ModelUnavailable)]
    public async Task Stream_ExceptionFrameAfterDeltas_ThrowsTypedErrorWithoutRetrying(string exceptionType, ChatErrorCode code)
    {
        var bed = await _beds.StartAsync();
        bed.Emulator.Enqueue(BedrockReply.Text("partial", " answer") with { StreamExceptionType = exceptionType });

        var (received, error) = await CollectUntilErrorAsync(bed.Model.StreamAsync(Question, Ct));

        received.Should().Equal("partial", " answer");
        error.Code.Should().Be(code);
        bed.Emulator.Requests.Should().ContainSingle("text already handed to the caller cannot be taken back by a retry");
    }

    [Fact]
    public async Task Stream_ExceptionFrameBeforeAnyDelta_IsRetried()
    {
        var bed = await _beds.StartAsync();
        bed.Emulator.Enqueue(BedrockReply.Text() with { StreamExceptionType = "throttlingException" }).Enqueue(BedrockReply.Text("second try"));

        var updates = await CollectAsync(bed.Model.StreamAsync(Question, Ct));

        updates.OfType<ModelTextDelta>().Select(d => d.Text).Should().Equal("second try");
        bed.Emulator.Requests.Should().HaveCount(2);
    }

    [Fact]
    public async Task Stream_FrameWithBadCrc_ThrowsModelUnavailable_NotGarbageText()
    {
        var bed = await _beds.StartAsync();
        bed.Emulator.Enqueue(BedrockReply.Text("good") with { CorruptFrameAfterDeltas = true });

        var (received, error) = await CollectUntilErrorAsync(bed.Model.StreamAsync(Question, Ct));

        received.Should().Equal("good");
        error.Code.Should().Be(ChatErrorCode.ModelUnavailable);
        error.Message.Should().Contain("CRC");
    }

    [Fact]
    public async Task Stream_WhenTheConnectionEndsEarly_ThrowsModelUnavailable()
    {
        var bed = await _beds.StartAsync();
        bed.Emulator.Enqueue(BedrockReply.Text("cut") with { EndAbruptlyAfterDeltas = true });

        var error = await CatchAsync(() => CollectAsync(bed.Model.StreamAsync(Question, Ct)));

        error.Code.Should().Be(ChatErrorCode.ModelUnavailable);
        error.Message.Should().Contain("ended before the answer was complete");
    }

    [Fact]
    public async Task Complete_WhenNothingListens_ThrowsModelUnavailableAfterRetries()
    {
        var bed = await _beds.StartAsync(o => { o.Endpoint = "http://127.0.0.1:1/"; o.MaxRetries = 1; });

        var error = await CatchAsync(() => bed.Model.CompleteAsync(Question, Ct));

        error.Code.Should().Be(ChatErrorCode.ModelUnavailable);
        error.Message.Should().Contain("could not be reached");
    }


}
