using TraceCollector.Cql.Types;

namespace TraceCollector.Cql.Protocol;

/// <summary>A column of a result, or a bind marker of a prepared statement.</summary>
public sealed record ColumnSpec(string Keyspace, string Table, string Name, CqlType Type);

/// <summary>The body of a RESULT (section 4.2.5).</summary>
public abstract class CqlResult
{
    public abstract ResultKind Kind { get; }
}

public sealed class VoidResult : CqlResult
{
    public static readonly VoidResult Instance = new();

    public override ResultKind Kind => ResultKind.Void;
}

public sealed class SetKeyspaceResult(string keyspace) : CqlResult
{
    public string Keyspace { get; } = keyspace;

    public override ResultKind Kind => ResultKind.SetKeyspace;
}

/// <summary>
/// Schema_change (section 4.2.5.5): change type CREATED/UPDATED/DROPPED, target KEYSPACE/TABLE/TYPE/
/// FUNCTION/AGGREGATE; <see cref="Name"/> is empty for a keyspace.
/// </summary>
public sealed class SchemaChangeResult(string changeType, string target, string keyspace, string name, IReadOnlyList<string> argumentTypes) : CqlResult
{
    public string ChangeType { get; } = changeType;
    public string Target { get; } = target;
    public string Keyspace { get; } = keyspace;
    public string Name { get; } = name;
    public IReadOnlyList<string> ArgumentTypes { get; } = argumentTypes;

    public override ResultKind Kind => ResultKind.SchemaChange;
}

/// <summary>Prepared (section 4.2.5.4): the id, the bind markers with the partition-key positions, and the result columns.</summary>
public sealed class PreparedResult(byte[] id, IReadOnlyList<ColumnSpec> variables, IReadOnlyList<int> partitionKeyIndexes, RowsMetadata resultMetadata) : CqlResult
{
    public byte[] Id { get; } = id;
    public IReadOnlyList<ColumnSpec> Variables { get; } = variables;
    public IReadOnlyList<int> PartitionKeyIndexes { get; } = partitionKeyIndexes;
    public RowsMetadata ResultMetadata { get; } = resultMetadata;

    public override ResultKind Kind => ResultKind.Prepared;
}

/// <summary>Rows metadata flags (section 4.2.5.2).</summary>
[Flags]
public enum RowsFlags
{
    None = 0,
    GlobalTablesSpec = 0x0001,
    HasMorePages = 0x0002,
    NoMetadata = 0x0004,
}

/// <summary>The metadata in front of rows: the columns (absent with No_metadata) and the paging state.</summary>
public sealed class RowsMetadata(RowsFlags flags, int columnCount, byte[]? pagingState, IReadOnlyList<ColumnSpec> columns)
{
    public static readonly RowsMetadata Empty = new(RowsFlags.NoMetadata, 0, null, Array.Empty<ColumnSpec>());

    public RowsFlags Flags { get; } = flags;
    public int ColumnCount { get; } = columnCount;
    public byte[]? PagingState { get; } = pagingState;

    /// <summary>Empty when the server sent No_metadata.</summary>
    public IReadOnlyList<ColumnSpec> Columns { get; } = columns;
}
