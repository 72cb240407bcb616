using System.Text;
using LLama.Native;
using Microsoft.Extensions.Logging;

namespace ChatBedrock.Adapters.LlamaSharp;

/// <summary>
/// Routes llama.cpp's own log lines (which otherwise go to the console) to an <see cref="ILogger"/>.
/// llama.cpp has one process-wide log callback, so the most recently attached logger receives them.
/// Its chatty loading details go to Debug and Trace; warnings and errors keep their level.
/// </summary>
internal static class NativeLog
{
    private static readonly Lock Gate = new();
    private static volatile ILogger? s_logger;
    private static bool s_registered;

    [ThreadStatic]
    private static StringBuilder? t_line;

    [ThreadStatic]
    private static LogLevel t_level;

    public static void Attach(ILogger logger)
    {
        s_logger = logger;
        lock (Gate)
        {
            if (!s_registered)
            {
                NativeLogConfig.llama_log_set(OnMessage);
                s_registered = true;
            }
        }
    }

    // llama.cpp sends a line in fragments; the first carries the level, the rest are "continue".
    private static void OnMessage(LLamaLogLevel level, string message)
    {
        var line = t_line ??= new StringBuilder();
        if (level != LLamaLogLevel.Continue)
        {
            t_level = level switch
            {
                LLamaLogLevel.Error => LogLevel.Error,
                LLamaLogLevel.Warning => LogLevel.Warning,
                LLamaLogLevel.Info => LogLevel.Debug,
                _ => LogLevel.Trace,
            };
        }

        line.Append(message);
        if (!message.EndsWith('\n'))
        {
            return;
        }

        var logger = s_logger;
        if (logger is not null && logger.IsEnabled(t_level))
        {
            var text = line.ToString().TrimEnd();
            Log.Native(logger, t_level, text);
        }

        line.Clear();
    }
}
