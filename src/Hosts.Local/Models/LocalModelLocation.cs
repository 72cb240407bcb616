using ChatBedrock.Adapters.LlamaSharp;

namespace ChatBedrock.Hosts.Local.Models;

/// <summary>Where the local model's file is and, for the default model, what to download there.</summary>
/// <param name="Path">The model file.</param>
/// <param name="Download">The file to download to <paramref name="Path"/>; null when the file was given (<c>--model</c>).</param>
/// <param name="Directory">The folder it is downloaded into; null for the user's cache folder.</param>
internal sealed record LocalModelLocation(string Path, ModelFile? Download, string? Directory);
