using System.Buffers.Binary;
using System.Net;
using System.Text;
using TraceCollector.Cql.Types;

namespace TraceCollector.Cql.Protocol;

/// <summary>
/// A page of rows (section 4.2.5.2). Cells are not decoded up front: the set keeps the frame body and
/// each cell's offset and length, and the typed getters read straight from it.
/// </summary>
public sealed class RowSet : CqlResult
{
    private readonly byte[] _body;
    private readonly int[] _offsets;
    private readonly int[] _lengths;

    internal RowSet(RowsMetadata metadata, IReadOnlyList<ColumnSpec> columns, int rowCount, byte[] body, int[] offsets, int[] lengths)
    {
        Metadata = metadata;
        Columns = columns;
        Count = rowCount;
        _body = body;
        _offsets = offsets;
        _lengths = lengths;
    }

    public override ResultKind Kind => ResultKind.Rows;

    public RowsMetadata Metadata { get; }

    /// <summary>The column specs: from the response, or from the prepared statement when the response skipped metadata.</summary>
    public IReadOnlyList<ColumnSpec> Columns { get; }

    public int Count { get; }

    public byte[]? PagingState => Metadata.PagingState;

    public bool HasMorePages => (Metadata.Flags & RowsFlags.HasMorePages) != 0 && Metadata.PagingState is not null;

    public Row this[int index] => (uint)index < (uint)Count ? new Row(this, index) : throw new ArgumentOutOfRangeException(nameof(index));

    public int IndexOf(string column)
    {
        for (int i = 0; i < Columns.Count; i++)
        {
            if (string.Equals(Columns[i].Name, column, StringComparison.Ordinal)) return i;
        }
        throw new ArgumentException($"no column {column} in the result", nameof(column));
    }

    public Enumerator GetEnumerator() => new(this);

    internal int CellLength(int row, int column) => _lengths[CellIndex(row, column)];

    internal ReadOnlySpan<byte> Cell(int row, int column)
    {
        int i = CellIndex(row, column);
        return _lengths[i] < 0 ? ReadOnlySpan<byte>.Empty : _body.AsSpan(_offsets[i], _lengths[i]);
    }

    private int CellIndex(int row, int column)
    {
        int columns = Metadata.ColumnCount;
        if ((uint)column >= (uint)columns) throw new ArgumentOutOfRangeException(nameof(column));
        return row * columns + column;
    }

    public struct Enumerator(RowSet set)
    {
        private int _index = -1;

        public bool MoveNext() => ++_index < set.Count;

        public readonly Row Current => new(set, _index);
    }
}

/// <summary>One row of a <see cref="RowSet"/>; getters throw on a null cell unless they return a nullable.</summary>
public readonly struct Row
{
    private readonly RowSet _set;
    private readonly int _index;

    internal Row(RowSet set, int index)
    {
        _set = set;
        _index = index;
    }

    public int ColumnCount => _set.Metadata.ColumnCount;

    public bool IsNull(int column) => _set.CellLength(_index, column) < 0;

    /// <summary>The raw bytes of a cell (empty for null: check <see cref="IsNull"/>).</summary>
    public ReadOnlySpan<byte> GetRaw(int column) => _set.Cell(_index, column);

    public string? GetString(int column) => IsNull(column) ? null : Encoding.UTF8.GetString(GetRaw(column));

    public string? GetString(string column) => GetString(_set.IndexOf(column));

    public int? GetInt32(int column) => Fixed(column, 4) ? BinaryPrimitives.ReadInt32BigEndian(GetRaw(column)) : null;

    public long? GetInt64(int column) => Fixed(column, 8) ? BinaryPrimitives.ReadInt64BigEndian(GetRaw(column)) : null;

    public bool? GetBoolean(int column) => Fixed(column, 1) ? GetRaw(column)[0] != 0 : null;

    public Guid? GetGuid(int column) => Fixed(column, 16) ? new Guid(GetRaw(column), bigEndian: true) : null;

    public DateTimeOffset? GetTimestamp(int column) => GetInt64(column) is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    public byte[]? GetBytes(int column) => IsNull(column) ? null : GetRaw(column).ToArray();

    public IPAddress? GetInet(int column) => IsNull(column) ? null : (IPAddress)CqlValueCodec.Decode(CqlType.Inet, GetRaw(column));

    /// <summary>Decodes the cell with its column type (collections, UDTs...); null for a null or empty fixed-size cell.</summary>
    public object? GetValue(int column)
    {
        if (IsNull(column)) return null;
        var type = _set.Columns.Count > column ? _set.Columns[column].Type
            : throw new InvalidOperationException("the result has no metadata to decode the column with");
        return CqlValueCodec.DecodeNullable(type, GetRaw(column), _set.CellLength(_index, column));
    }

    public object? GetValue(string column) => GetValue(_set.IndexOf(column));

    private bool Fixed(int column, int size)
    {
        int length = _set.CellLength(_index, column);
        if (length < 0 || length == 0) return false;
        if (length != size) throw new CqlProtocolViolationException($"column {column} holds {length} bytes, expected {size}");
        return true;
    }
}
