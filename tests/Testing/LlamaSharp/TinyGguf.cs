using System.Text;

namespace ChatBedrock.Testing.LlamaSharp;

/// <summary>What a <see cref="TinyGguf"/> model says.</summary>
public sealed record TinyGgufOptions
{
    /// <summary>
    /// Null: random bytes and words that never end (end-of-sequence and end-of-turn are pinned far below
    /// everything else), so generation runs to the token limit. Otherwise this text, byte token by byte
    /// token, after any prompt, then end-of-sequence. Its UTF-8 bytes must all differ and not be a line feed.
    /// </summary>
    public string? Recites { get; init; }

    /// <summary>Answer nothing: end-of-sequence is the first token, always.</summary>
    public bool EndsAtOnce { get; init; }

    /// <summary>The <c>tokenizer.chat_template</c> metadata; null writes none.</summary>
    public string? ChatTemplate { get; init; } = TinyGguf.ChatMlTemplate;

    /// <summary>Seed of the random weights.</summary>
    public int Seed { get; init; } = 42;
}

/// <summary>
/// Writes a tiny GGUF v3 chat model that llama.cpp loads and runs: llama architecture, F32 random weights
/// from a fixed seed, a SentencePiece-style vocabulary of byte tokens, printable ASCII and a few words,
/// and ChatML control tokens. A few hundred KB; answers are gibberish but deterministic.
/// </summary>
/// <remarks>
/// Behaviour is set through the weights, not the sampler. No block writes to dimension 0 of the residual
/// stream and every embedding has 1 there, so the final norm keeps that dimension positive and a large
/// weight on it in a token's output row pins that token's logit far below (or above) the rest. To recite,
/// the blocks write nothing at all, which leaves a bigram model: each byte of the text gets its own
/// embedding dimension, and the next byte's output row a large weight on it.
/// </remarks>
public static class TinyGguf
{
    public const int EmbeddingLength = 64;
    public const int BlockCount = 2;
    public const int HeadCount = 4;
    public const int HeadCountKv = 2;
    public const int FeedForwardLength = 128;
    public const int ContextLength = 512;

    /// <summary>The ChatML template in the Jinja form Hugging Face models ship; llama.cpp recognises it by its markers.</summary>
    public const string ChatMlTemplate =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

    private const int Alignment = 32;
    private const int HeadDim = EmbeddingLength / HeadCount;
    private const float PinnedLogitWeight = 1000f;
    private const float ChainWeight = 10f;
    private const int EndOfSequence = 2;
    private const int FirstByteToken = 5;

    private const uint TypeU32 = 4;
    private const uint TypeI32 = 5;
    private const uint TypeF32 = 6;
    private const uint TypeBool = 7;
    private const uint TypeString = 8;
    private const uint TypeArray = 9;

    private const int TokenNormal = 1;
    private const int TokenUnknown = 2;
    private const int TokenControl = 3;
    private const int TokenByte = 6;

    private static readonly string[] Words =
    [
        "▁the", "▁a", "▁is", "▁and", "▁to", "▁of", "▁in", "▁it", "▁you", "▁that", "▁hello", "▁world",
        "▁model", "▁chat", "▁tiny", "▁test", "ing", "ed", "er", "ly", "▁I", "▁am", "▁be", "▁not",
    ];

    /// <summary>The vocabulary, in id order: &lt;unk&gt;, &lt;s&gt;, &lt;/s&gt;, ChatML markers, 256 byte tokens, "▁", printable ASCII, words.</summary>
    public static IReadOnlyList<(string Text, int Type)> Vocabulary { get; } = BuildVocabulary();

    /// <summary>Writes the model to <paramref name="path"/>.</summary>
    public static void Write(string path, TinyGgufOptions? options = null)
    {
        options ??= new TinyGgufOptions();
        var tensors = BuildTensors(new Random(options.Seed), options);

        using var file = File.Create(path);
        using var writer = new BinaryWriter(file, Encoding.UTF8);

        var metadata = BuildMetadata(options.ChatTemplate);
        writer.Write("GGUF"u8);
        writer.Write(3u);
        writer.Write((ulong)tensors.Count);
        writer.Write((ulong)metadata.Count);
        foreach (var (key, write) in metadata)
        {
            WriteString(writer, key);
            write(writer);
        }

        ulong offset = 0;
        foreach (var tensor in tensors)
        {
            WriteString(writer, tensor.Name);
            writer.Write((uint)tensor.Shape.Length);
            foreach (var dimension in tensor.Shape)
            {
                writer.Write((ulong)dimension);
            }

            writer.Write(0u); // F32
            writer.Write(offset);
            offset += (ulong)Padded(tensor.Data.Length * sizeof(float));
        }

        Pad(writer);
        foreach (var tensor in tensors)
        {
            foreach (var value in tensor.Data)
            {
                writer.Write(value);
            }

            Pad(writer);
        }
    }

    private static List<(string Key, Action<BinaryWriter> Write)> BuildMetadata(string? chatTemplate)
    {
        var metadata = new List<(string, Action<BinaryWriter>)>
        {
            ("general.architecture", w => StringValue(w, "llama")),
            ("general.name", w => StringValue(w, "chatbedrock-tiny-test")),
            ("llama.context_length", w => U32Value(w, ContextLength)),
            ("llama.embedding_length", w => U32Value(w, EmbeddingLength)),
            ("llama.block_count", w => U32Value(w, BlockCount)),
            ("llama.feed_forward_length", w => U32Value(w, FeedForwardLength)),
            ("llama.attention.head_count", w => U32Value(w, HeadCount)),
            ("llama.attention.head_count_kv", w => U32Value(w, HeadCountKv)),
            ("llama.rope.dimension_count", w => U32Value(w, HeadDim)),
            ("llama.attention.layer_norm_rms_epsilon", w => { w.Write(TypeF32); w.Write(1e-5f); }),
            ("tokenizer.ggml.model", w => StringValue(w, "llama")),
            ("tokenizer.ggml.tokens", w => ArrayValue(w, TypeString, Vocabulary, (w2, t) => WriteString(w2, t.Text))),
            // Longer pieces score higher so the SentencePiece merge prefers whole words.
            ("tokenizer.ggml.scores", w => ArrayValue(w, TypeF32, Vocabulary, (w2, t) => w2.Write(t.Type == TokenNormal ? t.Text.Length : 0f))),
            ("tokenizer.ggml.token_type", w => ArrayValue(w, TypeI32, Vocabulary, (w2, t) => w2.Write(t.Type))),
            ("tokenizer.ggml.unknown_token_id", w => U32Value(w, 0)),
            ("tokenizer.ggml.bos_token_id", w => U32Value(w, 1)),
            ("tokenizer.ggml.eos_token_id", w => U32Value(w, 2)),
            ("tokenizer.ggml.add_bos_token", w => { w.Write(TypeBool); w.Write(true); }),
        };
        if (chatTemplate is not null)
        {
            metadata.Add(("tokenizer.chat_template", w => StringValue(w, chatTemplate)));
        }

        return metadata;
    }

    private static List<Tensor> BuildTensors(Random random, TinyGgufOptions options)
    {
        var vocabulary = Vocabulary.Count;
        var kvWidth = HeadDim * HeadCountKv;

        var embeddings = RandomValues(random, EmbeddingLength * vocabulary, 1f);
        var output = RandomValues(random, EmbeddingLength * vocabulary, 0.5f);
        for (var token = 0; token < vocabulary; token++)
        {
            embeddings[token * EmbeddingLength] = 1f;
            output[token * EmbeddingLength] = Vocabulary[token].Type is TokenControl or TokenUnknown ? -PinnedLogitWeight : 0f;
        }

        if (options.EndsAtOnce)
        {
            output[EndOfSequence * EmbeddingLength] = PinnedLogitWeight;
        }

        if (options.Recites is { } text)
        {
            Recite(text, embeddings, output);
        }

        var silent = options.Recites is not null;
        var tensors = new List<Tensor>
        {
            new("token_embd.weight", [EmbeddingLength, vocabulary], embeddings),
            new("output_norm.weight", [EmbeddingLength], Ones(EmbeddingLength)),
            new("output.weight", [EmbeddingLength, vocabulary], output),
        };
        var scale = 1f / MathF.Sqrt(EmbeddingLength);
        for (var block = 0; block < BlockCount; block++)
        {
            tensors.Add(new($"blk.{block}.attn_norm.weight", [EmbeddingLength], Ones(EmbeddingLength)));
            tensors.Add(new($"blk.{block}.attn_q.weight", [EmbeddingLength, EmbeddingLength], RandomValues(random, EmbeddingLength * EmbeddingLength, scale)));
            tensors.Add(new($"blk.{block}.attn_k.weight", [EmbeddingLength, kvWidth], RandomValues(random, EmbeddingLength * kvWidth, scale)));
            tensors.Add(new($"blk.{block}.attn_v.weight", [EmbeddingLength, kvWidth], RandomValues(random, EmbeddingLength * kvWidth, scale)));
            tensors.Add(new($"blk.{block}.attn_output.weight", [EmbeddingLength, EmbeddingLength], BlockOutput(random, EmbeddingLength, silent)));
            tensors.Add(new($"blk.{block}.ffn_norm.weight", [EmbeddingLength], Ones(EmbeddingLength)));
            tensors.Add(new($"blk.{block}.ffn_gate.weight", [EmbeddingLength, FeedForwardLength], RandomValues(random, EmbeddingLength * FeedForwardLength, scale)));
            tensors.Add(new($"blk.{block}.ffn_up.weight", [EmbeddingLength, FeedForwardLength], RandomValues(random, EmbeddingLength * FeedForwardLength, scale)));
            tensors.Add(new($"blk.{block}.ffn_down.weight", [FeedForwardLength, EmbeddingLength], BlockOutput(random, FeedForwardLength, silent)));
        }

        return tensors;
    }

    /// <summary>The id of the byte token for <paramref name="value"/>.</summary>
    public static int ByteToken(byte value) => FirstByteToken + value;

    // Chains line feed (where every ChatML prompt ends) -> the text's bytes -> end of sequence.
    private static void Recite(string text, float[] embeddings, float[] output)
    {
        var chain = new[] { (byte)'\n' }.Concat(Encoding.UTF8.GetBytes(text)).Select(ByteToken).Append(EndOfSequence).ToArray();
        if (chain.Length - 1 >= EmbeddingLength || chain.Distinct().Count() != chain.Length)
        {
            throw new ArgumentException($"A recited text needs distinct UTF-8 bytes, no line feed, at most {EmbeddingLength - 2} of them.", nameof(text));
        }

        for (var link = 0; link < chain.Length - 1; link++)
        {
            var (token, next, dimension) = (chain[link], chain[link + 1], link + 1);
            Array.Clear(embeddings, token * EmbeddingLength + 1, EmbeddingLength - 1);
            embeddings[token * EmbeddingLength + dimension] = 1f;
            output[next * EmbeddingLength + dimension] = ChainWeight;
        }

        output[EndOfSequence * EmbeddingLength] = 0f;
    }

    // What a block adds to the residual stream: nothing in dimension 0 (see the remarks), or nothing at all when reciting.
    private static float[] BlockOutput(Random random, int inputWidth, bool silent)
    {
        var values = RandomValues(random, inputWidth * EmbeddingLength, 1f / MathF.Sqrt(inputWidth));
        Array.Clear(values, 0, silent ? values.Length : inputWidth);
        return values;
    }

    private static List<(string, int)> BuildVocabulary()
    {
        var tokens = new List<(string, int)>
        {
            ("<unk>", TokenUnknown),
            ("<s>", TokenControl),
            ("</s>", TokenControl),
            ("<|im_start|>", TokenControl),
            ("<|im_end|>", TokenControl),
        };
        for (var b = 0; b < 256; b++)
        {
            tokens.Add(($"<0x{b:X2}>", TokenByte));
        }

        tokens.Add(("▁", TokenNormal));
        for (var c = '!'; c <= '~'; c++)
        {
            tokens.Add((c.ToString(), TokenNormal));
        }

        tokens.AddRange(Words.Select(w => (w, TokenNormal)));
        return tokens;
    }

    private static float[] RandomValues(Random random, int count, float scale)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = ((float)random.NextDouble() * 2f - 1f) * scale;
        }

        return values;
    }

    private static float[] Ones(int count) => Enumerable.Repeat(1f, count).ToArray();

    private static long Padded(long length) => (length + Alignment - 1) / Alignment * Alignment;

    private static void Pad(BinaryWriter writer)
    {
        var position = writer.BaseStream.Position;
        for (var i = position; i < Padded(position); i++)
        {
            writer.Write((byte)0);
        }
    }

    private static void WriteString(BinaryWriter writer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }

    private static void StringValue(BinaryWriter writer, string value)
    {
        writer.Write(TypeString);
        WriteString(writer, value);
    }

    private static void U32Value(BinaryWriter writer, uint value)
    {
        writer.Write(TypeU32);
        writer.Write(value);
    }

    private static void ArrayValue<T>(BinaryWriter writer, uint elementType, IReadOnlyList<T> items, Action<BinaryWriter, T> write)
    {
        writer.Write(TypeArray);
        writer.Write(elementType);
        writer.Write((ulong)items.Count);
        foreach (var item in items)
        {
            write(writer, item);
        }
    }

    private sealed record Tensor(string Name, int[] Shape, float[] Data);
}
