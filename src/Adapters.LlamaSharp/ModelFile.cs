namespace ChatBedrock.Adapters.LlamaSharp;

/// <summary>A model file to download: where from, its name on disk, and the size and SHA-256 it must have.</summary>
/// <param name="Url">Where to download it; pin a revision so the bytes cannot change under the checksum.</param>
/// <param name="FileName">Its file name in the cache folder.</param>
/// <param name="Size">Its exact size in bytes.</param>
/// <param name="Sha256">Its SHA-256, as 64 hexadecimal digits.</param>
public sealed record ModelFile(Uri Url, string FileName, long Size, string Sha256)
{
    /// <summary>
    /// The default local model: Qwen2.5-0.5B-Instruct, Q4_K_M quantisation (491 MB, Apache-2.0), from the
    /// Qwen team's own GGUF repository, pinned to revision 9217f5db. A small multilingual instruct model
    /// (Japanese included) whose GGUF carries a ChatML template that llama.cpp recognises.
    /// </summary>
    public static ModelFile Default { get; } = new(
        new Uri("https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/9217f5db79a29953eb74d5343926648285ec7e67/qwen2.5-0.5b-instruct-q4_k_m.gguf"),
        "qwen2.5-0.5b-instruct-q4_k_m.gguf",
        491_400_032,
        "74a4da8c9fdbcd15bd1f6d01d621410d31c6fc00986f5eb687824e7b93d7a9db");

    /// <summary>Whether the file at <paramref name="path"/> starts with GGUF's magic bytes ('GGUF'); false when it cannot be read.</summary>
    public static bool IsGguf(string path)
    {
        Span<byte> magic = stackalloc byte[4];
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
            return stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false) == magic.Length && magic.SequenceEqual("GGUF"u8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}

/// <summary>How far a download has come.</summary>
/// <param name="BytesReceived">Bytes on disk so far, including those of an earlier, interrupted attempt.</param>
/// <param name="TotalBytes">The file's full size.</param>
public readonly record struct DownloadProgress(long BytesReceived, long TotalBytes)
{
    /// <summary>The part done, 0 to 1.</summary>
    public double Fraction => TotalBytes <= 0 ? 0 : Math.Clamp((double)BytesReceived / TotalBytes, 0, 1);
}
