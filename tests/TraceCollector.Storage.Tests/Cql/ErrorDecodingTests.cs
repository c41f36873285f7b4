using TraceCollector.Cql;
using TraceCollector.Cql.Protocol;

namespace TraceCollector.Storage.Tests.Cql;

/// <summary>Every error code of section 9 maps to its own exception with its extra fields.</summary>
public class ErrorDecodingTests
{
    private static CqlServerException Decode(int code, string extraHex)
    {
        using var w = new CqlBodyWriter();
        w.WriteInt(code);
        w.WriteString("msg");
        w.WriteRaw(Convert.FromHexString(extraHex.Replace(" ", "")));
        var e = ResponseDecoder.DecodeError(w.WrittenSpan);
        Assert.Equal(code, e.Code);
        Assert.Equal("msg", e.Message);
        return e;
    }

    [Theory]
    [InlineData(0x0000, typeof(ServerErrorException))]
    [InlineData(0x000A, typeof(ProtocolErrorException))]
    [InlineData(0x0100, typeof(AuthenticationException))]
    [InlineData(0x1001, typeof(OverloadedException))]
    [InlineData(0x1002, typeof(IsBootstrappingException))]
    [InlineData(0x1003, typeof(TruncateException))]
    [InlineData(0x1600, typeof(CdcWriteFailureException))]
    [InlineData(0x2000, typeof(SyntaxErrorException))]
    [InlineData(0x2100, typeof(UnauthorizedException))]
    [InlineData(0x2200, typeof(InvalidQueryException))]
    [InlineData(0x2300, typeof(ConfigErrorException))]
    [InlineData(0x7777, typeof(UnknownServerErrorException))]
    public void Codes_without_extra_fields(int code, Type expected) => Assert.IsType(expected, Decode(code, ""));

    [Fact]
    public void Unavailable_carries_consistency_required_and_alive()
    {
        var e = Assert.IsType<UnavailableException>(Decode(0x1000, "0004 00000003 00000001"));
        Assert.Equal((Consistency.Quorum, 3, 1), (e.Consistency, e.Required, e.Alive));
        Assert.True(e.IsRetryableOnAnotherHost);
    }

    [Fact]
    public void Write_timeout_carries_the_write_type()
    {
        var e = Assert.IsType<WriteTimeoutException>(Decode(0x1100, "000a 00000000 00000001 000e" + Convert.ToHexString("UNLOGGED_BATCH"u8)));
        Assert.Equal((Consistency.LocalOne, 0, 1, "UNLOGGED_BATCH"), (e.Consistency, e.Received, e.BlockFor, e.WriteType));
    }

    [Fact]
    public void Read_timeout_and_read_failure()
    {
        var timeout = Assert.IsType<ReadTimeoutException>(Decode(0x1200, "0001 00000000 00000001 01"));
        Assert.True(timeout.DataPresent);
        var failure = Assert.IsType<ReadFailureException>(Decode(0x1300, "0006 00000001 00000002 00000001 00"));
        Assert.Equal((1, 2, 1, false), (failure.Received, failure.BlockFor, failure.Failures, failure.DataPresent));
    }

    [Fact]
    public void Function_failure_and_write_failure()
    {
        var function = Assert.IsType<FunctionFailureException>(Decode(0x1400, "0002 6b73 0001 66 0002 0003 696e74 0004 74657874"));
        Assert.Equal(("ks", "f"), (function.Keyspace, function.Function));
        Assert.Equal(["int", "text"], function.ArgTypes);
        var write = Assert.IsType<WriteFailureException>(Decode(0x1500, "0005 00000001 00000003 00000002 0006" + Convert.ToHexString("SIMPLE"u8)));
        Assert.Equal((1, 3, 2, "SIMPLE"), (write.Received, write.BlockFor, write.Failures, write.WriteType));
    }

    [Fact]
    public void Already_exists_unprepared_and_cas_write_unknown()
    {
        var exists = Assert.IsType<AlreadyExistsException>(Decode(0x2400, "0002 6b73 0000"));
        Assert.Equal(("ks", ""), (exists.Keyspace, exists.Table));
        var unprepared = Assert.IsType<UnpreparedException>(Decode(0x2500, "0002 beef"));
        Assert.Equal(new byte[] { 0xbe, 0xef }, unprepared.StatementId);
        var cas = Assert.IsType<CasWriteUnknownException>(Decode(0x1700, "0008 00000001 00000002"));
        Assert.Equal((1, 2), (cas.Received, cas.BlockFor));
    }
}
