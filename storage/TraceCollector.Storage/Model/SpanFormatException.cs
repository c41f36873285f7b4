namespace TraceCollector.Model;

/// <summary>
/// The one exception a codec lets escape: the input could not be read as spans. The message names
/// what was wrong and where (a byte offset or a field), so it can be returned to a client as a 400.
/// </summary>
public class SpanFormatException : FormatException
{
    public SpanFormatException(string message) : base(message) { }

    public SpanFormatException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A field held a value that a span cannot carry (an all-zero id, a port above 65535, ...).</summary>
public sealed class SpanValidationException : SpanFormatException
{
    public SpanValidationException(string field, string? value, string message) : base(message)
    {
        Field = field;
        Value = value;
    }

    public string Field { get; }

    public string? Value { get; }
}
