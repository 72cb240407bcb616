namespace ChatBedrock.Hosts.Local.Models;

/// <summary>
/// The providers <c>--model-provider</c> chooses from. <c>auto</c> takes the first, in order, that can answer
/// as configured, else the last one (which then says what to configure).
/// </summary>
internal sealed class ModelProviders
{
    public const string Auto = "auto";

    private readonly IReadOnlyList<IModelProvider> _providers;

    public ModelProviders(IReadOnlyList<IModelProvider> providers)
    {
        if (providers.Count == 0 || providers.Any(p => p.Name == Auto) || providers.DistinctBy(p => p.Name).Count() != providers.Count)
        {
            throw new ArgumentException("Model providers need distinct names other than 'auto', and at least one.", nameof(providers));
        }

        _providers = providers;
    }

    /// <summary>What <c>--model-provider</c> accepts: <c>auto</c>, then every provider's name.</summary>
    public IReadOnlyList<string> Names => [Auto, .. _providers.Select(p => p.Name)];

    /// <summary>Resolves <paramref name="name"/> (one of <see cref="Names"/>) to a provider, saying why it was chosen.</summary>
    public async Task<ModelChoice> ChooseAsync(string name, ModelProviderContext context, CancellationToken cancellationToken)
    {
        if (!name.Equals(Auto, StringComparison.OrdinalIgnoreCase))
        {
            return new ModelChoice(_providers.Single(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)), $"--model-provider {name.ToLowerInvariant()}");
        }

        var passedOver = new List<string>();
        foreach (var provider in _providers.SkipLast(1))
        {
            var probe = await provider.ProbeAsync(context, cancellationToken).ConfigureAwait(false);
            if (probe.Usable)
            {
                return new ModelChoice(provider, $"auto: {probe.Description}");
            }

            passedOver.Add($"{provider.Name} is not configured: {probe.Description}");
        }

        return new ModelChoice(_providers[^1], $"auto: {string.Join(" ", passedOver)}");
    }
}

/// <summary>The provider that answers and why it was chosen (logged at start).</summary>
internal sealed record ModelChoice(IModelProvider Provider, string Reason);
