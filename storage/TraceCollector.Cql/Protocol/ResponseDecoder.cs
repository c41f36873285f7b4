using TraceCollector.Cql.Types;

namespace TraceCollector.Cql.Protocol;

/// <summary>A server-pushed EVENT (section 4.2.6): TOPOLOGY_CHANGE, STATUS_CHANGE or SCHEMA_CHANGE.</summary>
public sealed record CqlEvent(string Type, string Change, System.Net.IPEndPoint? Address, SchemaChangeResult? Schema);

/// <summary>Decodes the response bodies of section 4.2.</summary>
public static class ResponseDecoder
{
    /// <summary>Maps an ERROR body to the exception for its code, with the code's extra fields (section 9).</summary>
    public static CqlServerException DecodeError(ReadOnlySpan<byte> body)
    {
        var r = new CqlBodyReader(body);
        int code = r.ReadInt();
        string message = r.ReadString();
        return code switch
        {
            CqlErrorCodes.ServerError => new ServerErrorException(message),
            CqlErrorCodes.ProtocolError => new ProtocolErrorException(message),
            CqlErrorCodes.BadCredentials => new AuthenticationException(message),
            CqlErrorCodes.Unavailable => new UnavailableException(message, r.ReadConsistency(), r.ReadInt(), r.ReadInt()),
            CqlErrorCodes.Overloaded => new OverloadedException(message),
            CqlErrorCodes.IsBootstrapping => new IsBootstrappingException(message),
            CqlErrorCodes.TruncateError => new TruncateException(message),
            CqlErrorCodes.WriteTimeout => new WriteTimeoutException(message, r.ReadConsistency(), r.ReadInt(), r.ReadInt(), r.ReadString()),
            CqlErrorCodes.ReadTimeout => new ReadTimeoutException(message, r.ReadConsistency(), r.ReadInt(), r.ReadInt(), r.ReadByte() != 0),
            CqlErrorCodes.ReadFailure => new ReadFailureException(message, r.ReadConsistency(), r.ReadInt(), r.ReadInt(), r.ReadInt(), r.ReadByte() != 0),
            CqlErrorCodes.FunctionFailure => new FunctionFailureException(message, r.ReadString(), r.ReadString(), r.ReadStringList()),
            CqlErrorCodes.WriteFailure => new WriteFailureException(message, r.ReadConsistency(), r.ReadInt(), r.ReadInt(), r.ReadInt(), r.ReadString()),
            CqlErrorCodes.CdcWriteFailure => new CdcWriteFailureException(message),
            CqlErrorCodes.CasWriteUnknown => new CasWriteUnknownException(message, r.ReadConsistency(), r.ReadInt(), r.ReadInt()),
            CqlErrorCodes.SyntaxError => new SyntaxErrorException(message),
            CqlErrorCodes.Unauthorized => new UnauthorizedException(message),
            CqlErrorCodes.Invalid => new InvalidQueryException(message),
            CqlErrorCodes.ConfigError => new ConfigErrorException(message),
            CqlErrorCodes.AlreadyExists => new AlreadyExistsException(message, r.ReadString(), r.ReadString()),
            CqlErrorCodes.Unprepared => new UnpreparedException(message, r.ReadShortBytes()),
            _ => new UnknownServerErrorException(code, message),
        };
    }

    /// <summary>
    /// Decodes a RESULT body starting at <paramref name="start"/>. Rows keep a reference to
    /// <paramref name="body"/>; <paramref name="knownColumns"/> supplies the columns when the request skipped metadata.
    /// </summary>
    public static CqlResult DecodeResult(byte[] body, int start = 0, IReadOnlyList<ColumnSpec>? knownColumns = null)
    {
        var r = new CqlBodyReader(body, start);
        var kind = (ResultKind)r.ReadInt();
        switch (kind)
        {
            case ResultKind.Void:
                return VoidResult.Instance;
            case ResultKind.SetKeyspace:
                return new SetKeyspaceResult(r.ReadString());
            case ResultKind.SchemaChange:
                return ReadSchemaChange(ref r);
            case ResultKind.Prepared:
                byte[] id = r.ReadShortBytes();
                var (variables, pkIndexes) = ReadPreparedMetadata(ref r);
                return new PreparedResult(id, variables, pkIndexes, ReadRowsMetadata(ref r));
            case ResultKind.Rows:
                var metadata = ReadRowsMetadata(ref r);
                var columns = metadata.Columns.Count > 0 ? metadata.Columns : knownColumns ?? Array.Empty<ColumnSpec>();
                int rowCount = r.ReadInt();
                int cols = metadata.ColumnCount;
                if (rowCount < 0 || (long)rowCount * cols * 4 > r.Remaining) throw new CqlProtocolViolationException($"{rowCount} rows of {cols} columns cannot fit in {r.Remaining} bytes");
                var offsets = new int[rowCount * cols];
                var lengths = new int[rowCount * cols];
                for (int i = 0; i < offsets.Length; i++) lengths[i] = r.ReadBytesSlice(out offsets[i]);
                return new RowSet(metadata, columns, rowCount, body, offsets, lengths);
            default:
                throw new CqlProtocolViolationException($"unknown RESULT kind 0x{(int)kind:X4}");
        }
    }

    public static RowsMetadata ReadRowsMetadata(ref CqlBodyReader r)
    {
        var flags = (RowsFlags)r.ReadInt();
        int count = r.ReadInt();
        if (count < 0 || count > 65535) throw new CqlProtocolViolationException($"column count {count}");
        byte[]? paging = (flags & RowsFlags.HasMorePages) != 0 ? r.ReadBytes() : null;
        if ((flags & RowsFlags.NoMetadata) != 0) return new RowsMetadata(flags, count, paging, Array.Empty<ColumnSpec>());
        return new RowsMetadata(flags, count, paging, ReadColumnSpecs(ref r, flags, count));
    }

    private static (IReadOnlyList<ColumnSpec>, IReadOnlyList<int>) ReadPreparedMetadata(ref CqlBodyReader r)
    {
        var flags = (RowsFlags)r.ReadInt();
        int count = r.ReadInt();
        int pkCount = r.ReadInt();
        if (count < 0 || count > 65535 || pkCount < 0 || pkCount > count) throw new CqlProtocolViolationException($"prepared metadata with {count} variables and {pkCount} key indexes");
        var pk = new int[pkCount];
        for (int i = 0; i < pkCount; i++) pk[i] = r.ReadShort();
        return (ReadColumnSpecs(ref r, flags, count), pk);
    }

    private static ColumnSpec[] ReadColumnSpecs(ref CqlBodyReader r, RowsFlags flags, int count)
    {
        string globalKs = "", globalTable = "";
        bool global = (flags & RowsFlags.GlobalTablesSpec) != 0;
        if (global)
        {
            globalKs = r.ReadString();
            globalTable = r.ReadString();
        }
        var specs = new ColumnSpec[count];
        for (int i = 0; i < count; i++)
        {
            string ks = global ? globalKs : r.ReadString();
            string table = global ? globalTable : r.ReadString();
            string name = r.ReadString();
            specs[i] = new ColumnSpec(ks, table, name, CqlType.Read(ref r));
        }
        return specs;
    }

    private static SchemaChangeResult ReadSchemaChange(ref CqlBodyReader r)
    {
        string change = r.ReadString(), target = r.ReadString(), keyspace = r.ReadString();
        return target switch
        {
            "KEYSPACE" => new SchemaChangeResult(change, target, keyspace, "", Array.Empty<string>()),
            "FUNCTION" or "AGGREGATE" => new SchemaChangeResult(change, target, keyspace, r.ReadString(), r.ReadStringList()),
            _ => new SchemaChangeResult(change, target, keyspace, r.ReadString(), Array.Empty<string>()),
        };
    }

    public static Dictionary<string, List<string>> DecodeSupported(ReadOnlySpan<byte> body)
    {
        var r = new CqlBodyReader(body);
        return r.ReadStringMultimap();
    }

    /// <summary>AUTHENTICATE: the authenticator's class name.</summary>
    public static string DecodeAuthenticate(ReadOnlySpan<byte> body)
    {
        var r = new CqlBodyReader(body);
        return r.ReadString();
    }

    /// <summary>AUTH_CHALLENGE and AUTH_SUCCESS: a [bytes] token.</summary>
    public static byte[]? DecodeAuthToken(ReadOnlySpan<byte> body)
    {
        var r = new CqlBodyReader(body);
        return r.ReadBytes();
    }

    public static CqlEvent DecodeEvent(ReadOnlySpan<byte> body)
    {
        var r = new CqlBodyReader(body);
        string type = r.ReadString();
        if (type == "SCHEMA_CHANGE")
        {
            var schema = ReadSchemaChange(ref r);
            return new CqlEvent(type, schema.ChangeType, null, schema);
        }
        string change = r.ReadString();
        return new CqlEvent(type, change, r.ReadInet(), null);
    }
}
