namespace TraceCollector.Cql.Types;

/// <summary>A value of a user-defined type: one slot per field of <see cref="Type"/>, null when unset.</summary>
public sealed class UdtValue
{
    private readonly object?[] _values;

    public UdtValue(CqlType type)
    {
        if (type.Code != CqlTypeCode.Udt) throw new ArgumentException($"{type} is not a user-defined type", nameof(type));
        Type = type;
        _values = new object?[type.Fields.Count];
    }

    public CqlType Type { get; }

    public int Count => _values.Length;

    public object? this[int index]
    {
        get => _values[index];
        set => _values[index] = value;
    }

    public object? this[string field]
    {
        get => _values[IndexOf(field)];
        set => _values[IndexOf(field)] = value;
    }

    public UdtValue Set(string field, object? value)
    {
        this[field] = value;
        return this;
    }

    public T? Get<T>(string field) => this[field] is T t ? t : default;

    private int IndexOf(string field)
    {
        var fields = Type.Fields;
        for (int i = 0; i < fields.Count; i++)
        {
            if (string.Equals(fields[i].Name, field, StringComparison.Ordinal)) return i;
        }
        throw new ArgumentException($"type {Type.UdtName} has no field {field}", nameof(field));
    }
}

/// <summary>A CQL decimal: unscaled × 10^-scale.</summary>
public readonly record struct CqlDecimal(System.Numerics.BigInteger Unscaled, int Scale);
