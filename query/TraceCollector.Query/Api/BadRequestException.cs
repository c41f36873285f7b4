namespace TraceCollector.Query.Api;

/// <summary>A request parameter is missing or unreadable; the message names it and becomes a plain-text 400.</summary>
internal sealed class BadRequestException(string message) : Exception(message);
