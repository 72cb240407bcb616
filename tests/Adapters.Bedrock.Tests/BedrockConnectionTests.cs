using Amazon.Runtime;
using ChatBedrock.Application;
using ChatBedrock.Domain;
using ChatBedrock.Testing.Bedrock;
using Microsoft.Extensions.DependencyInjection;

using static ChatBedrock.Adapters.Bedrock.Tests.Streams;

namespace ChatBedrock.Adapters.Bedrock.Tests;

/// <summary>Credentials, session tokens, API keys, regions and endpoints, resolved lazily from options and the machine.</summary>
public sealed class BedrockConnectionTests : IAsyncDisposable
{
    private static readonly ModelRequest Question = new(null, [ChatMessage.User("Hello")], new ModelSettings { MaxTokens = 50 });
    private readonly BedrockTestBeds _beds = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _beds.DisposeAsync();

    [Fact]
    public async Task SigV4_WithTemporaryCredentials_SendsAndSignsTheSessionToken()
    {
        var bed = await _beds.StartAsync(new TestMachine(), emulator: new BedrockEmulatorOptions { SessionToken = "FwoGZXIvYXdzEtoken//with+chars=" });

        await bed.Model.CompleteAsync(Question, Ct);

        var request = bed.Emulator.Requests.Single();
        request.Authentication.Should().Be("SigV4");
        request.SessionToken.Should().Be("FwoGZXIvYXdzEtoken//with+chars=");
    }

    [Fact]
    public async Task SigV4_AsksTheCredentialsAtEveryRequest_SoTemporaryOnesAreRefreshed()
    {
        CountingCredentials? credentials = null;
        var bed = await _beds.StartAsync(new TestMachine { Credentials = e => credentials = new CountingCredentials(TestMachine.EmulatorCredentials(e)) });

        for (var i = 0; i < 3; i++)
        {
            await bed.Model.CompleteAsync(Question, Ct);
        }

        bed.CredentialResolutions.Should().Be(1, "the chain is searched once");
        credentials!.Fetches.Should().BeGreaterThanOrEqualTo(3, "each signature takes the credentials' current keys");
    }

    [Fact]
    public async Task SigV4_WithoutTheRequiredSessionToken_IsRejected()
    {
        var machine = new TestMachine { Credentials = e => new BasicAWSCredentials(e.AccessKeyId, e.SecretAccessKey) };
        var bed = await _beds.StartAsync(machine, emulator: new BedrockEmulatorOptions { SessionToken = "required" });

        var error = await CatchAsync(() => bed.Model.CompleteAsync(Question, Ct));

        error.Code.Should().Be(ChatErrorCode.ModelAccessDenied);
        error.Message.Should().Contain("rejected the credentials");
    }

    [Fact]
    public async Task SigV4_WithAWrongSecret_IsRejectedByTheSignatureCheck()
    {
        var machine = new TestMachine { Credentials = e => new BasicAWSCredentials(e.AccessKeyId, "not-the-secret") };
        var bed = await _beds.StartAsync(machine);

        var error = await CatchAsync(() => bed.Model.CompleteAsync(Question, Ct));

        error.Code.Should().Be(ChatErrorCode.ModelAccessDenied);
        bed.Emulator.Rejections.Should().ContainSingle().Which.Should().StartWith("InvalidSignatureException");
        bed.Emulator.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task SigV4_WithABodyChangedAfterSigning_IsRejectedByTheSignatureCheck()
    {
        var machine = new TestMachine
        {
            ConfigureServices = s => s.AddHttpClient(BedrockRuntimeClient.HttpClientName).AddHttpMessageHandler(() => new TamperingHandler()),
        };
        var bed = await _beds.StartAsync(machine);

        var error = await CatchAsync(() => bed.Model.CompleteAsync(Question, Ct));

        error.Code.Should().Be(ChatErrorCode.ModelAccessDenied);
        bed.Emulator.Rejections.Should().ContainSingle().Which.Should().StartWith("InvalidSignatureException");
    }

    [Fact]
    public async Task SigV4_ScopedToAnotherRegion_IsRejected()
    {
        var bed = await _beds.StartAsync(new TestMachine(), o => o.Region = "eu-west-1", new BedrockEmulatorOptions { Region = "us-west-2" });

        var error = await CatchAsync(() => bed.Model.CompleteAsync(Question, Ct));

        error.Code.Should().Be(ChatErrorCode.ModelAccessDenied);
        bed.Emulator.Rejections.Should().ContainSingle().Which.Should().Contain("scoped to a valid region");
    }

    [Fact]
    public async Task ApiKey_FromTheEnvironment_IsSentAsBearer_AndNoCredentialsAreResolved()
    {
        const string apiKey = "ABSKQmVkcm9ja0FQSUtleS1leGFtcGxl";
        var machine = new TestMachine { Credentials = null, Variables = new() { ["AWS_BEARER_TOKEN_BEDROCK"] = apiKey } };
        var bed = await _beds.StartAsync(machine, emulator: new BedrockEmulatorOptions { ApiKey = apiKey });

        await bed.Model.CompleteAsync(Question, Ct);
        await CollectAsync(bed.Model.StreamAsync(Question, Ct));

        bed.Emulator.Requests.Should().HaveCount(2).And.OnlyContain(r => r.Authentication == "Bearer");
        bed.CredentialResolutions.Should().Be(0);
    }

    [Fact]
    public async Task ApiKey_WhenWrong_IsAccessDenied()
    {
        var bed = await _beds.StartAsync(new TestMachine(), o => o.ApiKey = "ABSK-wrong");

        var error = await CatchAsync(() => bed.Model.CompleteAsync(Question, Ct));

        error.Code.Should().Be(ChatErrorCode.ModelAccessDenied);
    }

    [Fact]
    public async Task Region_FromAwsRegion_WhenNotConfigured()
    {
        var machine = new TestMachine { Variables = new() { ["AWS_REGION"] = "ap-northeast-1", ["AWS_DEFAULT_REGION"] = "eu-west-1" } };
        var bed = await _beds.StartAsync(machine, o => o.Region = null, new BedrockEmulatorOptions { Region = "ap-northeast-1" });

        await bed.Model.CompleteAsync(Question, Ct);

        bed.Emulator.Requests.Single().SigningRegion.Should().Be("ap-northeast-1");
    }

    [Fact]
    public async Task Region_FromAwsDefaultRegion_ThenTheProfile()
    {
        var fromDefault = await _beds.StartAsync(new TestMachine { Variables = new() { ["AWS_DEFAULT_REGION"] = "eu-west-1" }, ProfileRegion = "us-east-2" },
            o => o.Region = null, new BedrockEmulatorOptions { Region = "eu-west-1" });
        var fromProfile = await _beds.StartAsync(new TestMachine { ProfileRegion = "us-east-2" }, o => o.Region = null, new BedrockEmulatorOptions { Region = "us-east-2" });

        await fromDefault.Model.CompleteAsync(Question, Ct);
        await fromProfile.Model.CompleteAsync(Question, Ct);

        fromDefault.Emulator.Requests.Single().SigningRegion.Should().Be("eu-west-1");
        fromProfile.Emulator.Requests.Single().SigningRegion.Should().Be("us-east-2");
    }

    [Fact]
    public async Task Region_Configured_WinsOverTheFunctionsRegion_AsInTheHandsOnsCrossRegionCase()
    {
        var machine = new TestMachine { Variables = new() { ["AWS_REGION"] = "ap-northeast-1" } };
        var bed = await _beds.StartAsync(machine, o => o.Region = "us-west-2", new BedrockEmulatorOptions { Region = "us-west-2" });

        await bed.Model.CompleteAsync(Question, Ct);

        bed.Emulator.Requests.Single().SigningRegion.Should().Be("us-west-2");
    }

    [Fact]
    public async Task Endpoint_FromTheBedrockSpecificVariable_WinsOverTheGeneralOne()
    {
        var emulator = await BedrockEmulator.StartAsync(cancellationToken: Ct);
        await using (emulator)
        {
            var machine = new TestMachine
            {
                Variables = new() { ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"] = emulator.Endpoint.ToString(), ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:1/" },
                Credentials = _ => TestMachine.EmulatorCredentials(emulator.Options),
            };
            var bed = await _beds.StartAsync(machine, o => o.Endpoint = null);

            await bed.Model.CompleteAsync(Question, Ct);

            emulator.Requests.Should().ContainSingle();
            bed.Emulator.Requests.Should().BeEmpty();
        }
    }

    [Fact]
    public async Task Endpoint_FromTheGeneralVariable_WhenNoOtherIsSet()
    {
        var emulator = await BedrockEmulator.StartAsync(cancellationToken: Ct);
        await using (emulator)
        {
            var machine = new TestMachine
            {
                Variables = new() { ["AWS_ENDPOINT_URL"] = emulator.Endpoint.ToString().TrimEnd('/') },
                Credentials = _ => TestMachine.EmulatorCredentials(emulator.Options),
            };
            var bed = await _beds.StartAsync(machine, o => o.Endpoint = null);

            await bed.Model.CompleteAsync(Question, Ct);

            emulator.Requests.Should().ContainSingle();
        }
    }

    [Fact]
    public async Task Endpoint_ByDefault_IsTheRegionsBedrockRuntime()
    {
        var bed = await _beds.StartAsync(new TestMachine(), o => { o.Endpoint = null; o.Region = "us-west-2"; });

        var status = await bed.Services.GetRequiredService<BedrockConfigurationCheck>().CheckAsync(Ct);

        status.IsConfigured.Should().BeTrue();
        status.Description.Should().Contain("https://bedrock-runtime.us-west-2.amazonaws.com/").And.Contain("SigV4");
    }

    [Fact]
    public async Task NoCredentials_IsModelNotConfigured_SayingWhatToSet()
    {
        var bed = await _beds.StartAsync(new TestMachine { Credentials = null });

        var error = await CatchAsync(() => bed.Model.CompleteAsync(Question, Ct));

        error.Code.Should().Be(ChatErrorCode.ModelNotConfigured);
        error.Message.Should().ContainAll("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "AWS_BEARER_TOKEN_BEDROCK", "Failed to resolve AWS credentials");
        bed.Emulator.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task NoRegion_IsModelNotConfigured_SayingWhatToSet()
    {
        var bed = await _beds.StartAsync(new TestMachine(), o => { o.Region = null; o.Endpoint = null; });

        var error = await CatchAsync(() => CollectAsync(bed.Model.StreamAsync(Question, Ct)));

        error.Code.Should().Be(ChatErrorCode.ModelNotConfigured);
        error.Message.Should().ContainAll("Bedrock:Region", "AWS_REGION");
    }

    [Fact]
    public async Task InvalidEndpointVariable_IsModelNotConfigured_NamingTheVariable()
    {
        var bed = await _beds.StartAsync(new TestMachine { Variables = new() { ["AWS_ENDPOINT_URL"] = "not a url" } }, o => o.Endpoint = null);

        var error = await CatchAsync(() => bed.Model.CompleteAsync(Question, Ct));

        error.Code.Should().Be(ChatErrorCode.ModelNotConfigured);
        error.Message.Should().Contain("AWS_ENDPOINT_URL");
    }

    [Fact]
    public async Task Startup_WithoutAnyAwsConfiguration_SucceedsAndResolvesNothing()
    {
        var bed = await _beds.StartAsync(new TestMachine { Credentials = null }, o => { o.Region = null; o.Endpoint = null; });

        bed.Services.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate();
        _ = bed.Services.GetRequiredService<ILanguageModel>();

        bed.CredentialResolutions.Should().Be(0);
    }

    [Fact]
    public async Task ConfigurationCheck_WithoutCredentials_SaysWhatToConfigure_AndSucceedsOnceTheyExist()
    {
        var found = false;
        var bed = await _beds.StartAsync(new TestMachine
        {
            Credentials = e => found ? TestMachine.EmulatorCredentials(e) : throw new AmazonClientException("Failed to resolve AWS credentials."),
        });
        var check = bed.Services.GetRequiredService<BedrockConfigurationCheck>();

        var before = await check.CheckAsync(Ct);
        found = true;
        var after = await check.CheckAsync(Ct);

        before.IsConfigured.Should().BeFalse();
        before.Description.Should().Contain("AWS_ACCESS_KEY_ID");
        after.IsConfigured.Should().BeTrue();
    }

    [Fact]
    public async Task Credentials_AreResolvedOnce_ForManyCalls()
    {
        var bed = await _beds.StartAsync(new TestMachine());

        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => bed.Model.CompleteAsync(Question, Ct)));
        await bed.Model.CompleteAsync(Question, Ct);

        bed.CredentialResolutions.Should().Be(1);
        bed.Emulator.Requests.Should().HaveCount(6);
    }




    /// <summary>Appends a space to the body after it was signed, as a man in the middle would.</summary>
    private sealed class TamperingHandler : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
            var headers = request.Content.Headers.ToList();
            request.Content = new ByteArrayContent([.. body, (byte)' ']);
            foreach (var (name, values) in headers.Where(h => h.Key != "Content-Length"))
            {
                request.Content.Headers.TryAddWithoutValidation(name, values);
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>Counts how often signing asks for keys, as refreshing (temporary) credentials would be asked.</summary>
    private sealed class CountingCredentials(AWSCredentials inner) : AWSCredentials
    {
        private int _fetches;

        public int Fetches => _fetches;

        public override ImmutableCredentials GetCredentials()
        {
            Interlocked.Increment(ref _fetches);
            return inner.GetCredentials();
        }

        public override Task<ImmutableCredentials> GetCredentialsAsync()
        {
            Interlocked.Increment(ref _fetches);
            return inner.GetCredentialsAsync();
        }
    }
}
