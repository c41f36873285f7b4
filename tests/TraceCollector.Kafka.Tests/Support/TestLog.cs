using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace TraceCollector.Kafka.Tests.Support;

/// <summary>Logs to the test's output and keeps every line, so a test can wait for what the collector reported.</summary>
internal sealed class TestLog : ILoggerProvider, ILoggerFactory
{
    private readonly ITestOutputHelper _output;
    private readonly ConcurrentQueue<(LogLevel Level, string Text)> _lines = new();
    private volatile bool _disposed;

    public TestLog(ITestOutputHelper output) => _output = output;

    public IEnumerable<(LogLevel Level, string Text)> Lines => _lines;

    public bool Contains(LogLevel atLeast, string fragment) =>
        _lines.Any(line => line.Level >= atLeast && line.Text.Contains(fragment, StringComparison.OrdinalIgnoreCase));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose() => _disposed = true;

    private void Write(LogLevel level, string category, string text)
    {
        _lines.Enqueue((level, text));
        if (_disposed) return;
        try
        {
            _output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {level,-11} {category}: {text}");
        }
        catch (InvalidOperationException)
        {
            // The test has finished; lines from threads still winding down have nowhere to go.
        }
    }

    private sealed class Logger(TestLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            string text = formatter(state, exception);
            if (exception is not null) text += " | " + exception.GetType().Name + ": " + exception.Message;
            log.Write(logLevel, category, text);
        }
    }
}
