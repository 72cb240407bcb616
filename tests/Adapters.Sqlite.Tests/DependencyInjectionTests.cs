using ChatBedrock.Application;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Adapters.Sqlite.Tests;

public sealed class DependencyInjectionTests
{
    private static ServiceProvider Build(Action<SqliteStoreOptions>? configure) =>
        new ServiceCollection().AddLogging().AddSqliteConversationRepository(configure).BuildServiceProvider();

    [Theory]
    [InlineData("DatabasePath", "")]
    [InlineData("DatabasePath", "   ")]
    [InlineData("DatabasePath", ":memory:")]
    [InlineData("DatabasePath", "folder/")]
    [InlineData("DatabasePath", "bad\0name.db")]
    [InlineData("BusyTimeout", "00:00:00")]
    [InlineData("BusyTimeout", "00:10:01")]
    public void StartupValidation_WithBadOption_FailsNamingTheSetting(string setting, string value)
    {
        using var provider = Build(o =>
        {
            switch (setting)
            {
                case "DatabasePath": o.DatabasePath = value; break;
                case "BusyTimeout": o.BusyTimeout = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            }
        });

        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();

        act.Should().Throw<OptionsValidationException>().WithMessage($"*Sqlite:{setting}*");
    }

    [Fact]
    public void StartupValidation_WithAnExistingFolderAsThePath_Fails()
    {
        using var provider = Build(o => o.DatabasePath = Path.GetTempPath().TrimEnd(Path.DirectorySeparatorChar));

        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();

        act.Should().Throw<OptionsValidationException>().WithMessage("*Sqlite:DatabasePath*");
    }

    [Fact]
    public void Defaults_PutTheFileUnderLocalApplicationDataAndPassValidation()
    {
        using var provider = Build(null);

        provider.GetRequiredService<IStartupValidator>().Validate();
        var options = provider.GetRequiredService<IOptions<SqliteStoreOptions>>().Value;
        var localData = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        options.DatabasePath.Should().Be(Path.Combine(localData, "chatbedrock", "history.db"));
        options.BusyTimeout.Should().Be(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Register_Twice_AddsNoDuplicates()
    {
        var services = new ServiceCollection();

        services.AddSqliteConversationRepository();
        var count = services.Count;
        services.AddSqliteConversationRepository();

        services.Count(d => d.ServiceType == typeof(IConversationRepository)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(IValidateOptions<SqliteStoreOptions>)).Should().Be(1);
        services.Count.Should().BeLessThanOrEqualTo(count + 1, "only the options' own ValidateOnStart marker may repeat");
    }

    [Fact]
    public void Register_AfterAnotherRepository_KeepsTheOther()
    {
        var services = new ServiceCollection().AddLogging().AddInMemoryConversationRepository();

        services.AddSqliteConversationRepository();

        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IConversationRepository>().Should().NotBeOfType<SqliteConversationRepository>();
    }

    [Fact]
    public void Repository_ResolvesAsSqliteWhenRegisteredAlone()
    {
        using var provider = Build(o => o.DatabasePath = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.db"));

        provider.GetRequiredService<IConversationRepository>().Should().BeOfType<SqliteConversationRepository>();
    }
}
