using System.Text;
using TraceCollector.Cql.Cluster;

namespace TraceCollector.Storage.Tests.Cql;

public class Murmur3TokenTests
{
    // Tokens Cassandra's Murmur3Partitioner gives these keys (the vectors drivers test against).
    [Theory]
    [InlineData("313233", -7468325962851647638L)]
    [InlineData("fefefefefefefefe", -8927430733708461935L)]
    [InlineData("1010101010101010", 1446172840243228796L)]
    [InlineData("0102030405060708090a0b0c0d0e0f10", -5563837382979743776L)]
    [InlineData("02030405060708090a0b0c0d0e0f1011", -1513403162740402161L)]
    [InlineData("00000000000000000000000000000000", 5457549051747178710L)]
    [InlineData("ffffffffffffffffffffffffffffffff", -2824192546314762522L)]
    [InlineData("fefefefefefefefefefefefefefefefefe", -1672437813826982685L)]
    [InlineData("fefefefe", 4566408979886474012L)]
    [InlineData("00000000", -3485513579396041028L)]
    [InlineData("00017f7f", 6573459401642635627L)]
    [InlineData("00ffffff", 123573637386978882L)]
    [InlineData("ff010203", -2839127690952877842L)]
    [InlineData("e2e7", -8582699461035929883L)]
    [InlineData("e2e7e2e7e2e701", 2222373981930033306L)]
    public void Matches_cassandra_tokens(string keyHex, long expected) =>
        Assert.Equal(expected, Murmur3Token.Compute(Convert.FromHexString(keyHex)));

    [Fact]
    public void Matches_cassandra_for_longer_keys()
    {
        Assert.Equal(7162290910810015547L, Murmur3Token.Compute(Encoding.ASCII.GetBytes("9223372036854775807")));
        var repeated = Enumerable.Repeat(new byte[] { 0x00, 0xff, 0x10, 0xfa, 0x99 }, 10).SelectMany(b => b).ToArray();
        Assert.Equal(5837342703291459765L, Murmur3Token.Compute(repeated));
    }

    [Fact]
    public void Composite_keys_are_length_prefixed_components_with_end_bytes()
    {
        var key = Murmur3Token.RoutingKey([[0x61], [0x62, 0x63]]);
        Assert.Equal(Convert.FromHexString("000161000002626300"), key);
        var single = Murmur3Token.RoutingKey([[0x61, 0x62]]);
        Assert.Equal(new byte[] { 0x61, 0x62 }, single);
    }
}
