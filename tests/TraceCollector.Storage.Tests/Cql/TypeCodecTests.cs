using System.Net;
using System.Numerics;
using TraceCollector.Cql;
using TraceCollector.Cql.Protocol;
using TraceCollector.Cql.Types;

namespace TraceCollector.Storage.Tests.Cql;

/// <summary>Value serialisation byte for byte against sections 6 and 7 of native_protocol_v4.spec.</summary>
public class TypeCodecTests
{
    private static string Encode(CqlType type, object? value)
    {
        using var w = new CqlBodyWriter();
        CqlValueCodec.WriteValue(w, type, value);
        return Convert.ToHexString(w.WrittenSpan).ToLowerInvariant();
    }

    private static object? RoundTrip(CqlType type, object value)
    {
        using var w = new CqlBodyWriter();
        CqlValueCodec.WriteContent(w, type, value);
        return CqlValueCodec.Decode(type, w.WrittenSpan);
    }

    [Fact]
    public void Fixed_size_types()
    {
        Assert.Equal("00000004ffffffff", Encode(CqlType.Int, -1));
        Assert.Equal("000000080000000100000002", Encode(CqlType.Bigint, 0x100000002L));
        Assert.Equal("0000000101", Encode(CqlType.Boolean, true));
        Assert.Equal("0000000100", Encode(CqlType.Boolean, false));
        Assert.Equal("00000002fffe", Encode(CqlType.Smallint, (short)-2));
        Assert.Equal("0000000180", Encode(CqlType.Tinyint, (sbyte)-128));
        Assert.Equal("000000083ff0000000000000", Encode(CqlType.Double, 1.0));
        Assert.Equal("000000043f800000", Encode(CqlType.Float, 1.0f));
        Assert.Equal("ffffffff", Encode(CqlType.Int, null));
    }

    [Fact]
    public void Text_and_blob_are_raw_bytes()
    {
        Assert.Equal("00000003c3a961", Encode(CqlType.Text, "éa"));
        Assert.Equal("00000000", Encode(CqlType.Text, ""));
        Assert.Equal("00000002abcd", Encode(CqlType.Blob, new byte[] { 0xab, 0xcd }));
    }

    [Fact]
    public void Timestamp_is_epoch_milliseconds()
    {
        Assert.Equal("0000000800000000000003e8", Encode(CqlType.Timestamp, DateTimeOffset.FromUnixTimeSeconds(1)));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(-5), RoundTrip(CqlType.Timestamp, -5L));
    }

    [Fact]
    public void Uuids_are_in_rfc_4122_byte_order()
    {
        var id = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");
        Assert.Equal("0000001000112233445566778899aabbccddeeff", Encode(CqlType.Uuid, id));
        Assert.Equal(id, RoundTrip(CqlType.Timeuuid, id));
    }

    [Fact]
    public void Inet_is_four_or_sixteen_bytes()
    {
        Assert.Equal("000000047f000001", Encode(CqlType.Inet, IPAddress.Loopback));
        Assert.Equal("00000010" + "00000000000000000000000000000001", Encode(CqlType.Inet, IPAddress.IPv6Loopback));
        Assert.Equal(IPAddress.Parse("2001:db8::1"), RoundTrip(CqlType.Inet, IPAddress.Parse("2001:db8::1")));
        Assert.Throws<CqlProtocolViolationException>(() => CqlValueCodec.Decode(CqlType.Inet, new byte[3]));
    }

    [Fact]
    public void Date_is_unsigned_days_centred_at_two_to_the_31()
    {
        // Section 6.5's examples: 2^31 is 1970-01-01.
        Assert.Equal("0000000480000000", Encode(CqlType.Date, new DateOnly(1970, 1, 1)));
        Assert.Equal("0000000480000001", Encode(CqlType.Date, new DateOnly(1970, 1, 2)));
        Assert.Equal("000000047fffffff", Encode(CqlType.Date, new DateOnly(1969, 12, 31)));
        Assert.Equal(new DateOnly(2026, 12, 1), RoundTrip(CqlType.Date, new DateOnly(2026, 12, 1)));
    }

    [Theory]
    [InlineData(0, "00")]
    [InlineData(1, "01")]
    [InlineData(127, "7f")]
    [InlineData(128, "0080")]
    [InlineData(129, "0081")]
    [InlineData(-1, "ff")]
    [InlineData(-128, "80")]
    [InlineData(-129, "ff7f")]
    public void Varint_matches_the_spec_table(int value, string hex)
    {
        Assert.Equal($"{hex.Length / 2:x8}{hex}", Encode(CqlType.Varint, new BigInteger(value)));
        Assert.Equal(new BigInteger(value), CqlValueCodec.Decode(CqlType.Varint, Convert.FromHexString(hex)));
    }

    [Fact]
    public void Decimal_is_scale_then_unscaled_varint()
    {
        Assert.Equal("00000006000000020080", Encode(CqlType.Decimal, new CqlDecimal(128, 2)));
    }

    [Fact]
    public void List_and_set_are_a_count_then_bytes_elements()
    {
        Assert.Equal("0000000e" + "00000002" + "0000000161" + "00000001" + "62", Encode(CqlType.List(CqlType.Text), new List<string> { "a", "b" }));
        Assert.Equal(new List<object?> { 1, 2 }, RoundTrip(CqlType.Set(CqlType.Int), new[] { 1, 2 }));
    }

    [Fact]
    public void Map_is_a_count_then_key_value_pairs()
    {
        var map = new Dictionary<string, string> { ["k"] = "v" };
        Assert.Equal("0000000e" + "00000001" + "000000016b" + "0000000176", Encode(CqlType.Map(CqlType.Text, CqlType.Text), map));
        var back = (Dictionary<object, object?>)RoundTrip(CqlType.Map(CqlType.Text, CqlType.Bigint), new Dictionary<string, long> { ["a"] = 1 })!;
        Assert.Equal(1L, back["a"]);
    }

    private static readonly CqlType Endpoint = CqlType.Udt("zipkin2", "endpoint",
        ("service", CqlType.Text), ("ipv4", CqlType.Inet), ("ipv6", CqlType.Inet), ("port", CqlType.Int));

    [Fact]
    public void Udt_is_its_fields_as_bytes_in_declaration_order()
    {
        var value = new UdtValue(Endpoint).Set("service", "a").Set("ipv4", IPAddress.Loopback).Set("port", 80);
        Assert.Equal("00000019" + "0000000161" + "000000047f000001" + "ffffffff" + "0000000400000050", Encode(Endpoint, value));
        var back = (UdtValue)RoundTrip(Endpoint, value)!;
        Assert.Equal("a", back["service"]);
        Assert.Null(back["ipv6"]);
        Assert.Equal(80, back["port"]);
    }

    [Fact]
    public void Udt_values_may_have_fewer_fields_than_the_type()
    {
        var back = (UdtValue)CqlValueCodec.Decode(Endpoint, Convert.FromHexString("0000000161"));
        Assert.Equal("a", back["service"]);
        Assert.Null(back["port"]);
    }

    [Fact]
    public void Frozen_udt_list_and_tuple()
    {
        var annotation = CqlType.Udt("zipkin2", "annotation", ("ts", CqlType.Bigint), ("v", CqlType.Text));
        var list = new List<UdtValue> { new UdtValue(annotation).Set("ts", 1L).Set("v", "x") };
        var back = (List<object?>)RoundTrip(CqlType.List(annotation), list)!;
        Assert.Equal("x", ((UdtValue)back[0]!)["v"]);
        Assert.Equal("00000011" + "0000000400000001" + "ffffffff" + "0000000161", Encode(CqlType.Tuple(CqlType.Int, CqlType.Text, CqlType.Text), new object?[] { 1, null, "a" }));
    }

    [Fact]
    public void Type_options_round_trip_through_metadata()
    {
        var type = CqlType.Map(CqlType.Text, CqlType.List(Endpoint));
        using var w = new CqlBodyWriter();
        type.Write(w);
        var r = new CqlBodyReader(w.WrittenSpan);
        var back = CqlType.Read(ref r);
        Assert.Equal(type.ToString(), back.ToString());
        Assert.Equal("0021000d0020", Convert.ToHexString(w.WrittenSpan[..6]).ToLowerInvariant());
    }

    [Fact]
    public void Empty_values_of_numeric_types_read_as_null()
    {
        Assert.Null(CqlValueCodec.DecodeNullable(CqlType.Int, ReadOnlySpan<byte>.Empty, 0));
        Assert.Equal("", CqlValueCodec.DecodeNullable(CqlType.Text, ReadOnlySpan<byte>.Empty, 0));
    }

    [Fact]
    public void Wrong_shapes_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Encode(CqlType.Int, "1"));
        Assert.Throws<CqlProtocolViolationException>(() => CqlValueCodec.Decode(CqlType.Bigint, new byte[4]));
    }
}
