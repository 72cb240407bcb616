namespace ChatBedrock.Application;

/// <summary>Which model answers and whether it can answer now, as its adapter reports it (<see cref="ILanguageModel.GetStatusAsync"/>).</summary>
/// <param name="Provider">e.g. <c>bedrock</c> or <c>local</c>.</param>
/// <param name="ModelId">The model's id.</param>
/// <param name="Ready">False when the model cannot answer until something is configured (or has downloaded).</param>
/// <param name="Message">When not ready, what is happening or what to configure.</param>
public sealed record ModelStatus(string Provider, string ModelId, bool Ready = true, string? Message = null);
