using TraceCollector.Cql;
using TraceCollector.Cql.Protocol;
using TraceCollector.Cql.Types;

namespace TraceCollector.Storage.Tests.Cql;

/// <summary>Requests and responses byte for byte against the layouts of native_protocol_v4.spec sections 2 and 4.</summary>
public class FrameEncodingTests
{
    private static byte[] Body(Action<CqlBodyWriter> write)
    {
        using var w = new CqlBodyWriter();
        write(w);
        return w.ToArray();
    }

    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    [Fact]
    public void Header_is_version_flags_stream_opcode_length()
    {
        var bytes = new byte[9];
        FrameHeader.Request(4, FrameFlags.Compression | FrameFlags.Tracing, 0x1234, Opcode.Query, 0x01020304).Write(bytes);
        Assert.Equal(Hex("04 03 1234 07 01020304"), bytes);
        var response = FrameHeader.Read(Hex("84 08 ffff 0c 00000000"));
        Assert.True(response.IsResponse);
        Assert.Equal(4, response.ProtocolVersion);
        Assert.Equal(FrameFlags.Warning, response.Flags);
        Assert.Equal(-1, response.Stream);
        Assert.Equal(Opcode.Event, response.Opcode);
    }

    [Fact]
    public void Header_rejects_lengths_over_256_MB()
    {
        Assert.Throws<CqlProtocolViolationException>(() => FrameHeader.Read(Hex("84 00 0001 08 10000001")));
        Assert.Throws<CqlProtocolViolationException>(() => FrameHeader.Read(Hex("84 00 0001 08 ffffffff")));
    }

    [Fact]
    public void Startup_is_a_string_map()
    {
        var body = Body(w => RequestEncoder.WriteStartup(w, [new("CQL_VERSION", "3.0.0"), new("COMPRESSION", "lz4")]));
        Assert.Equal(Hex("0002 000b" + Convert.ToHexString("CQL_VERSION"u8) + "0005" + Convert.ToHexString("3.0.0"u8)
            + "000b" + Convert.ToHexString("COMPRESSION"u8) + "0003" + Convert.ToHexString("lz4"u8)), body);
    }

    [Fact]
    public void Auth_response_is_bytes_with_the_plain_token()
    {
        var body = Body(w => RequestEncoder.WriteAuthResponse(w, TraceCollector.Cql.Connection.CqlConnection.PlainToken("u", "pw")));
        Assert.Equal(Hex("00000005 00 75 00 7077"), body);
    }

    [Fact]
    public void Query_with_every_parameter()
    {
        var values = new BoundValues.Builder().AddInt(7).AddNull().AddUnset().AddText("a").Build();
        var body = Body(w => RequestEncoder.WriteQuery(w, "SELECT", new QueryParameters
        {
            Consistency = Consistency.LocalQuorum,
            Values = values,
            SkipMetadata = true,
            PageSize = 100,
            PagingState = [0xAA],
            SerialConsistency = Consistency.LocalSerial,
            DefaultTimestamp = 42,
        }));
        Assert.Equal(Hex("00000006" + Convert.ToHexString("SELECT"u8)
            + "0006" + "3f"                       // LOCAL_QUORUM, flags values|skip|page|paging|serial|timestamp
            + "0004" + "00000004 00000007" + "ffffffff" + "fffffffe" + "00000001 61"
            + "00000064" + "00000001 aa" + "0009" + "000000000000002a"), body);
    }

    [Fact]
    public void Query_without_parameters_is_consistency_and_zero_flags()
    {
        var body = Body(w => RequestEncoder.WriteQuery(w, "x", new QueryParameters { Consistency = Consistency.One }));
        Assert.Equal(Hex("00000001 78 0001 00"), body);
    }

    [Fact]
    public void Prepare_and_execute()
    {
        Assert.Equal(Hex("00000001 71"), Body(w => RequestEncoder.WritePrepare(w, "q")));
        var execute = Body(w => RequestEncoder.WriteExecute(w, [0x01, 0x02], new QueryParameters { Values = new BoundValues.Builder().AddBigint(1).Build() }));
        Assert.Equal(Hex("0002 0102 000a 01 0001 00000008 0000000000000001"), execute);
    }

    [Fact]
    public void Batch_of_a_query_and_a_prepared_id()
    {
        var body = Body(w => RequestEncoder.WriteBatch(w, BatchType.Unlogged,
            [new BatchEntry("q", null, BoundValues.Empty), new BatchEntry(null, [0x09], new BoundValues.Builder().AddBoolean(true).Build())],
            Consistency.LocalOne, defaultTimestamp: 5));
        Assert.Equal(Hex("01 0002" + "00 00000001 71 0000" + "01 0001 09 0001 00000001 01" + "000a 20 0000000000000005"), body);
    }

    [Fact]
    public void Register_is_a_string_list()
    {
        Assert.Equal(Hex("0001 000d" + Convert.ToHexString("STATUS_CHANGE"u8)), Body(w => RequestEncoder.WriteRegister(w, ["STATUS_CHANGE"])));
    }

    [Fact]
    public void Result_void_and_set_keyspace()
    {
        Assert.IsType<VoidResult>(ResponseDecoder.DecodeResult(Hex("00000001")));
        var ks = Assert.IsType<SetKeyspaceResult>(ResponseDecoder.DecodeResult(Hex("00000003 0002 6b73")));
        Assert.Equal("ks", ks.Keyspace);
    }

    [Fact]
    public void Result_rows_with_global_spec_and_paging_state()
    {
        var body = Hex("00000002" + "00000003" + "00000002" + "00000002 beef" + "0001 6b 0001 74"
            + "0001 61 0009" + "0001 62 000d"
            + "00000002" + "00000004 00000005 00000002 6869" + "ffffffff 00000000");
        var rows = Assert.IsType<RowSet>(ResponseDecoder.DecodeResult(body));
        Assert.True(rows.HasMorePages);
        Assert.Equal(Hex("beef"), rows.PagingState);
        Assert.Equal(["a", "b"], rows.Columns.Select(c => c.Name));
        Assert.Equal("k", rows.Columns[0].Keyspace);
        Assert.Equal(2, rows.Count);
        Assert.Equal(5, rows[0].GetInt32(0));
        Assert.Equal("hi", rows[0].GetString(1));
        Assert.True(rows[1].IsNull(0));
        Assert.Null(rows[1].GetInt32(0));
        Assert.Equal("", rows[1].GetString(1));
    }

    [Fact]
    public void Result_rows_per_column_table_spec_and_no_metadata()
    {
        var perColumn = Hex("00000002 00000000 00000001 0001 6b 0001 74 0001 61 0002 00000001 00000008 0000000000000009");
        var rows = Assert.IsType<RowSet>(ResponseDecoder.DecodeResult(perColumn));
        Assert.Equal(9L, rows[0].GetInt64(0));
        var known = new[] { new ColumnSpec("k", "t", "a", CqlType.Bigint) };
        var noMetadata = Assert.IsType<RowSet>(ResponseDecoder.DecodeResult(Hex("00000002 00000004 00000001 00000001 00000008 0000000000000003"), 0, known));
        Assert.Equal(3L, noMetadata[0].GetValue(0));
    }

    [Fact]
    public void Result_prepared_with_partition_key_indexes()
    {
        var body = Hex("00000004" + "0002 abcd"
            + "00000001 00000002 00000001 0001" + "0001 6b 0001 74" + "0001 78 0009" + "0001 79 000d"
            + "00000004 00000000");
        var prepared = Assert.IsType<PreparedResult>(ResponseDecoder.DecodeResult(body));
        Assert.Equal(Hex("abcd"), prepared.Id);
        Assert.Equal([1], prepared.PartitionKeyIndexes);
        Assert.Equal(CqlTypeCode.Varchar, prepared.Variables[1].Type.Code);
        Assert.Empty(prepared.ResultMetadata.Columns);
    }

    [Theory]
    [InlineData("0007 43524541544544 0008 4b455953504143 45 0002 6b73", "KEYSPACE", "")]
    [InlineData("0007 55504441544544 0005 5441424c45 0002 6b73 0001 74", "TABLE", "t")]
    [InlineData("0007 44524f50504544 0004 54595045 0002 6b73 0001 75", "TYPE", "u")]
    public void Result_schema_change(string rest, string target, string name)
    {
        var change = Assert.IsType<SchemaChangeResult>(ResponseDecoder.DecodeResult(Hex("00000005" + rest)));
        Assert.Equal(target, change.Target);
        Assert.Equal("ks", change.Keyspace);
        Assert.Equal(name, change.Name);
    }

    [Fact]
    public void Result_schema_change_of_a_function_has_argument_types()
    {
        var change = Assert.IsType<SchemaChangeResult>(ResponseDecoder.DecodeResult(Hex("00000005 0007 43524541544544 0008 46554e4354494f4e 0002 6b73 0001 66 0001 0003 696e74")));
        Assert.Equal("f", change.Name);
        Assert.Equal(["int"], change.ArgumentTypes);
    }

    [Fact]
    public void Unknown_result_kind_is_a_protocol_violation() =>
        Assert.Throws<CqlProtocolViolationException>(() => ResponseDecoder.DecodeResult(Hex("00000009")));

    [Fact]
    public void Supported_authenticate_auth_tokens_and_events()
    {
        var supported = ResponseDecoder.DecodeSupported(Hex("0001 000b" + Convert.ToHexString("COMPRESSION"u8) + "0002 0003 6c7a34 0006 736e61707079"));
        Assert.Equal(["lz4", "snappy"], supported["COMPRESSION"]);
        Assert.Equal("x.Auth", ResponseDecoder.DecodeAuthenticate(Hex("0006 782e41757468")));
        Assert.Equal(Hex("0102"), ResponseDecoder.DecodeAuthToken(Hex("00000002 0102")));
        Assert.Null(ResponseDecoder.DecodeAuthToken(Hex("ffffffff")));
        var status = ResponseDecoder.DecodeEvent(Hex("000d" + Convert.ToHexString("STATUS_CHANGE"u8) + "0004 444f574e" + "04 7f000001 00002352"));
        Assert.Equal("DOWN", status.Change);
        Assert.Equal(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 9042), status.Address);
        var schema = ResponseDecoder.DecodeEvent(Hex("000d" + Convert.ToHexString("SCHEMA_CHANGE"u8) + "0007 43524541544544 0005 5441424c45 0002 6b73 0001 74"));
        Assert.Equal("t", schema.Schema!.Name);
    }

    [Fact]
    public void Tracing_warnings_and_custom_payload_come_before_the_message()
    {
        var body = Hex("000102030405060708090a0b0c0d0e0f" + "0001 0004 7761726e" + "0001 0001 6b 00000001 76" + "00000001");
        var frame = FrameCodec.ParseResponse(new FrameHeader(0x84, FrameFlags.Tracing | FrameFlags.Warning | FrameFlags.CustomPayload, 1, Opcode.Result, body.Length), body);
        Assert.Equal(new Guid(Hex("000102030405060708090a0b0c0d0e0f"), bigEndian: true), frame.TracingId);
        Assert.Equal(["warn"], frame.Warnings);
        Assert.Equal(Hex("76"), frame.CustomPayload!["k"]);
        Assert.IsType<VoidResult>(ResponseDecoder.DecodeResult(frame.Body, frame.MessageStart));
    }

    [Fact]
    public void Lz4_body_is_the_uncompressed_length_then_the_block()
    {
        var body = Enumerable.Range(0, 1000).Select(i => (byte)(i % 7)).ToArray();
        using var w = new CqlBodyWriter();
        FrameCodec.WriteFrame(w, 4, FrameFlags.None, 3, Opcode.Query, body, compress: true);
        var bytes = w.ToArray();
        var header = FrameHeader.Read(bytes);
        Assert.Equal(FrameFlags.Compression, header.Flags);
        Assert.Equal(bytes.Length - 9, header.BodyLength);
        Assert.True(header.BodyLength < body.Length);
        Assert.Equal(Hex("000003e8"), bytes[9..13]);
        Assert.Equal(body, FrameCodec.Decompress(bytes.AsSpan(9)));
    }

    [Fact]
    public void Small_bodies_are_sent_uncompressed()
    {
        using var w = new CqlBodyWriter();
        FrameCodec.WriteFrame(w, 4, FrameFlags.None, 3, Opcode.Options, [], compress: true);
        Assert.Equal(Hex("04 00 0003 05 00000000"), w.ToArray());
    }

    [Fact]
    public void Short_bodies_raise_protocol_violations_not_index_errors()
    {
        Assert.Throws<CqlProtocolViolationException>(() => ResponseDecoder.DecodeResult(Hex("000000")));
        Assert.Throws<CqlProtocolViolationException>(() => ResponseDecoder.DecodeResult(Hex("00000002 00000001 00000001 0001 6b 0001 74 0001 61 0009 00000005")));
        Assert.Throws<CqlProtocolViolationException>(() => ResponseDecoder.DecodeError(Hex("00001000 0000 0001")));
    }
}
