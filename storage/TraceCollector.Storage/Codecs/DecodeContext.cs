using TraceCollector.Model;

namespace TraceCollector.Codecs;

/// <summary>
/// What a decoder reuses from one span to the next: a builder and the string and endpoint caches.
/// One per thread, so a steady stream of batches decodes without allocating any of it again.
/// </summary>
internal sealed class DecodeContext
{
    [ThreadStatic] private static DecodeContext? t_cached;

    public readonly SpanBuilder Builder = new();

    /// <summary>Tag keys and values, annotation values, addresses: text kept as sent.</summary>
    public readonly Utf8StringCache Strings = new(normalizeNames: false);

    /// <summary>Span and service names, lower-cased as Zipkin stores them.</summary>
    public readonly Utf8StringCache Names = new(normalizeNames: true);

    public readonly EndpointCache Endpoints = new();

    /// <summary>The v1 formats' intermediate span and the converter to v2, both reused per span.</summary>
    public readonly V1Span V1Span = new();

    public readonly V1SpanConverter V1Converter = new();

    /// <summary>Takes this thread's context, or a fresh one when a decode is already using it.</summary>
    public static DecodeContext Rent()
    {
        var context = t_cached;
        if (context is null) return new DecodeContext();
        t_cached = null;
        return context;
    }

    public static void Return(DecodeContext context)
    {
        context.Builder.Clear();
        t_cached = context;
    }
}
