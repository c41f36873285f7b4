namespace TraceCollector.Model;

/// <summary>An event in a span's life: epoch microseconds and a value. Ordered by (timestamp, value) as Zipkin sorts them.</summary>
public readonly record struct Annotation(long Timestamp, string Value) : IComparable<Annotation>
{
    public int CompareTo(Annotation other)
    {
        int c = Timestamp.CompareTo(other.Timestamp);
        return c != 0 ? c : string.CompareOrdinal(Value, other.Value);
    }
}
