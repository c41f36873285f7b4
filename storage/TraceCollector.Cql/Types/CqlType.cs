using TraceCollector.Cql.Protocol;

namespace TraceCollector.Cql.Types;

/// <summary>The option ids of column types (section 4.2.5.2).</summary>
public enum CqlTypeCode : ushort
{
    Custom = 0x0000,
    Ascii = 0x0001,
    Bigint = 0x0002,
    Blob = 0x0003,
    Boolean = 0x0004,
    Counter = 0x0005,
    Decimal = 0x0006,
    Double = 0x0007,
    Float = 0x0008,
    Int = 0x0009,
    Timestamp = 0x000B,
    Uuid = 0x000C,
    Varchar = 0x000D,
    Varint = 0x000E,
    Timeuuid = 0x000F,
    Inet = 0x0010,
    Date = 0x0011,
    Time = 0x0012,
    Smallint = 0x0013,
    Tinyint = 0x0014,
    Duration = 0x0015,
    List = 0x0020,
    Map = 0x0021,
    Set = 0x0022,
    Udt = 0x0030,
    Tuple = 0x0031,
}

/// <summary>A column or bind-marker type as an [option]: a code plus, for collections, UDTs and tuples, the nested types.</summary>
public sealed class CqlType
{
    private CqlType(CqlTypeCode code) => Code = code;

    public CqlTypeCode Code { get; }

    /// <summary>The Java class name of a custom type.</summary>
    public string? CustomClass { get; private init; }

    /// <summary>Element type of a list or set, key type of a map.</summary>
    public CqlType? Element { get; private init; }

    /// <summary>Value type of a map.</summary>
    public CqlType? Value { get; private init; }

    public string? Keyspace { get; private init; }

    public string? UdtName { get; private init; }

    /// <summary>UDT fields in declaration order; tuple components (names empty).</summary>
    public IReadOnlyList<(string Name, CqlType Type)> Fields { get; private init; } = Array.Empty<(string, CqlType)>();

    public static readonly CqlType Ascii = new(CqlTypeCode.Ascii);
    public static readonly CqlType Bigint = new(CqlTypeCode.Bigint);
    public static readonly CqlType Blob = new(CqlTypeCode.Blob);
    public static readonly CqlType Boolean = new(CqlTypeCode.Boolean);
    public static readonly CqlType Counter = new(CqlTypeCode.Counter);
    public static readonly CqlType Double = new(CqlTypeCode.Double);
    public static readonly CqlType Float = new(CqlTypeCode.Float);
    public static readonly CqlType Int = new(CqlTypeCode.Int);
    public static readonly CqlType Timestamp = new(CqlTypeCode.Timestamp);
    public static readonly CqlType Uuid = new(CqlTypeCode.Uuid);
    public static readonly CqlType Text = new(CqlTypeCode.Varchar);
    public static readonly CqlType Varint = new(CqlTypeCode.Varint);
    public static readonly CqlType Timeuuid = new(CqlTypeCode.Timeuuid);
    public static readonly CqlType Inet = new(CqlTypeCode.Inet);
    public static readonly CqlType Date = new(CqlTypeCode.Date);
    public static readonly CqlType Time = new(CqlTypeCode.Time);
    public static readonly CqlType Smallint = new(CqlTypeCode.Smallint);
    public static readonly CqlType Tinyint = new(CqlTypeCode.Tinyint);
    public static readonly CqlType Decimal = new(CqlTypeCode.Decimal);
    public static readonly CqlType Duration = new(CqlTypeCode.Duration);

    public static CqlType Custom(string javaClass) => new(CqlTypeCode.Custom) { CustomClass = javaClass };

    public static CqlType List(CqlType element) => new(CqlTypeCode.List) { Element = element };

    public static CqlType Set(CqlType element) => new(CqlTypeCode.Set) { Element = element };

    public static CqlType Map(CqlType key, CqlType value) => new(CqlTypeCode.Map) { Element = key, Value = value };

    public static CqlType Udt(string keyspace, string name, params (string Name, CqlType Type)[] fields) =>
        new(CqlTypeCode.Udt) { Keyspace = keyspace, UdtName = name, Fields = fields };

    public static CqlType Tuple(params CqlType[] components) =>
        new(CqlTypeCode.Tuple) { Fields = Array.ConvertAll(components, c => ("", c)) };

    public bool IsCollection => Code is CqlTypeCode.List or CqlTypeCode.Set or CqlTypeCode.Map;

    public static CqlType Simple(CqlTypeCode code) => code switch
    {
        CqlTypeCode.Ascii => Ascii,
        CqlTypeCode.Bigint => Bigint,
        CqlTypeCode.Blob => Blob,
        CqlTypeCode.Boolean => Boolean,
        CqlTypeCode.Counter => Counter,
        CqlTypeCode.Decimal => Decimal,
        CqlTypeCode.Double => Double,
        CqlTypeCode.Float => Float,
        CqlTypeCode.Int => Int,
        CqlTypeCode.Timestamp => Timestamp,
        CqlTypeCode.Uuid => Uuid,
        CqlTypeCode.Varchar => Text,
        CqlTypeCode.Varint => Varint,
        CqlTypeCode.Timeuuid => Timeuuid,
        CqlTypeCode.Inet => Inet,
        CqlTypeCode.Date => Date,
        CqlTypeCode.Time => Time,
        CqlTypeCode.Smallint => Smallint,
        CqlTypeCode.Tinyint => Tinyint,
        CqlTypeCode.Duration => Duration,
        _ => throw new CqlProtocolViolationException($"type code 0x{(ushort)code:X4} is not a simple type"),
    };

    /// <summary>Reads an [option] describing a type.</summary>
    public static CqlType Read(ref CqlBodyReader reader, int depth = 0)
    {
        if (depth > 32) throw new CqlProtocolViolationException("type nesting deeper than 32 levels");
        var code = (CqlTypeCode)reader.ReadShort();
        switch (code)
        {
            case CqlTypeCode.Custom:
                return Custom(reader.ReadString());
            case CqlTypeCode.List:
                return List(Read(ref reader, depth + 1));
            case CqlTypeCode.Set:
                return Set(Read(ref reader, depth + 1));
            case CqlTypeCode.Map:
                var key = Read(ref reader, depth + 1);
                return Map(key, Read(ref reader, depth + 1));
            case CqlTypeCode.Udt:
                string ks = reader.ReadString(), name = reader.ReadString();
                int n = reader.ReadShort();
                var fields = new (string, CqlType)[n];
                for (int i = 0; i < n; i++)
                {
                    string field = reader.ReadString();
                    fields[i] = (field, Read(ref reader, depth + 1));
                }
                return Udt(ks, name, fields);
            case CqlTypeCode.Tuple:
                int count = reader.ReadShort();
                var parts = new CqlType[count];
                for (int i = 0; i < count; i++) parts[i] = Read(ref reader, depth + 1);
                return Tuple(parts);
            default:
                return Simple(code);
        }
    }

    /// <summary>Writes the type as an [option] (what a server sends in metadata).</summary>
    public void Write(CqlBodyWriter writer)
    {
        writer.WriteShort((ushort)Code);
        switch (Code)
        {
            case CqlTypeCode.Custom:
                writer.WriteString(CustomClass!);
                break;
            case CqlTypeCode.List or CqlTypeCode.Set:
                Element!.Write(writer);
                break;
            case CqlTypeCode.Map:
                Element!.Write(writer);
                Value!.Write(writer);
                break;
            case CqlTypeCode.Udt:
                writer.WriteString(Keyspace!);
                writer.WriteString(UdtName!);
                writer.WriteShort((ushort)Fields.Count);
                foreach (var (name, type) in Fields)
                {
                    writer.WriteString(name);
                    type.Write(writer);
                }
                break;
            case CqlTypeCode.Tuple:
                writer.WriteShort((ushort)Fields.Count);
                foreach (var (_, type) in Fields) type.Write(writer);
                break;
        }
    }

    public override string ToString() => Code switch
    {
        CqlTypeCode.List => $"list<{Element}>",
        CqlTypeCode.Set => $"set<{Element}>",
        CqlTypeCode.Map => $"map<{Element}, {Value}>",
        CqlTypeCode.Udt => $"frozen<{Keyspace}.{UdtName}>",
        CqlTypeCode.Tuple => $"tuple<{string.Join(", ", Fields.Select(f => f.Type))}>",
        CqlTypeCode.Custom => $"'{CustomClass}'",
        CqlTypeCode.Varchar => "text",
        _ => Code.ToString().ToLowerInvariant(),
    };
}
