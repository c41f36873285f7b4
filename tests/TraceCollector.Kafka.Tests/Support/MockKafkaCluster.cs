using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace TraceCollector.Kafka.Tests.Support;

/// <summary>
/// librdkafka's in-process mock cluster: real brokers speaking the Kafka protocol over loopback
/// TCP, hosted by the librdkafka shipped in librdkafka.redist. Clients (the real Confluent.Kafka
/// producer and consumer) connect to <see cref="BootstrapServers"/> like to any cluster.
/// </summary>
public sealed partial class MockKafkaCluster : IDisposable
{
    private const string Library = "librdkafka";
    private const int ProducerType = 0;

    private IntPtr _handle;
    private IntPtr _cluster;

    static MockKafkaCluster()
    {
        NativeLibrary.SetDllImportResolver(typeof(MockKafkaCluster).Assembly, Resolve);
    }

    public MockKafkaCluster(int brokers = 1)
    {
        IntPtr conf = rd_kafka_conf_new();
        var error = new byte[512];
        Set(conf, "log_level", "3", error);
        _handle = rd_kafka_new(ProducerType, conf, error, (UIntPtr)error.Length);
        if (_handle == IntPtr.Zero) throw new InvalidOperationException("rd_kafka_new failed: " + Text(error));
        _cluster = rd_kafka_mock_cluster_new(_handle, brokers);
        if (_cluster == IntPtr.Zero) throw new InvalidOperationException("rd_kafka_mock_cluster_new failed");
        BootstrapServers = Marshal.PtrToStringUTF8(rd_kafka_mock_cluster_bootstraps(_cluster))!;
        // The broker default (3 s) only slows every group's first join; members of a test join within a poll anyway.
        rd_kafka_mock_group_initial_rebalance_delay_ms(_cluster, 0);
    }

    public string BootstrapServers { get; }

    public void CreateTopic(string topic, int partitions, int replicationFactor = 1)
    {
        int err = rd_kafka_mock_topic_create(_cluster, topic, partitions, replicationFactor);
        if (err != 0) throw new InvalidOperationException($"rd_kafka_mock_topic_create({topic}) failed: error {err}");
    }

    /// <summary>Disconnects the broker (-1: all) and refuses new connections; partitions keep their leader, so clients wait for it.</summary>
    public void SetBrokerDown(int brokerId) => Check(rd_kafka_mock_broker_set_down(_cluster, brokerId), "set_down");

    public void SetBrokerUp(int brokerId) => Check(rd_kafka_mock_broker_set_up(_cluster, brokerId), "set_up");

    public void Dispose()
    {
        if (_cluster != IntPtr.Zero) rd_kafka_mock_cluster_destroy(_cluster);
        if (_handle != IntPtr.Zero) rd_kafka_destroy(_handle);
        _cluster = _handle = IntPtr.Zero;
    }

    private static void Check(int err, string what)
    {
        if (err != 0) throw new InvalidOperationException($"rd_kafka_mock_broker_{what} failed: error {err}");
    }

    private static void Set(IntPtr conf, string name, string value, byte[] error)
    {
        if (rd_kafka_conf_set(conf, name, value, error, (UIntPtr)error.Length) != 0)
            throw new InvalidOperationException($"rd_kafka_conf_set({name}) failed: {Text(error)}");
    }

    private static string Text(byte[] bytes)
    {
        int end = Array.IndexOf(bytes, (byte)0);
        return Encoding.UTF8.GetString(bytes, 0, end < 0 ? bytes.Length : end);
    }

    /// <summary>
    /// The native library Confluent.Kafka loads, with its fallback: the default build needs
    /// libsasl2.so.3, which Debian lacks, so the centos8 build (SASL linked in) is tried next.
    /// </summary>
    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != Library) return IntPtr.Zero;
        string rid = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        string native = Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native");
        foreach (string file in new[] { "librdkafka.so", "centos8-librdkafka.so" })
        {
            if (NativeLibrary.TryLoad(Path.Combine(native, file), out var handle)) return handle;
        }
        return IntPtr.Zero;
    }

    [LibraryImport(Library)]
    private static partial IntPtr rd_kafka_conf_new();

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int rd_kafka_conf_set(IntPtr conf, string name, string value, byte[] errstr, UIntPtr errstrSize);

    [LibraryImport(Library)]
    private static partial IntPtr rd_kafka_new(int type, IntPtr conf, byte[] errstr, UIntPtr errstrSize);

    [LibraryImport(Library)]
    private static partial void rd_kafka_destroy(IntPtr rk);

    [LibraryImport(Library)]
    private static partial IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokers);

    [LibraryImport(Library)]
    private static partial void rd_kafka_mock_cluster_destroy(IntPtr cluster);

    [LibraryImport(Library)]
    private static partial IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr cluster);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int rd_kafka_mock_topic_create(IntPtr cluster, string topic, int partitions, int replicationFactor);

    [LibraryImport(Library)]
    private static partial int rd_kafka_mock_broker_set_down(IntPtr cluster, int brokerId);

    [LibraryImport(Library)]
    private static partial int rd_kafka_mock_broker_set_up(IntPtr cluster, int brokerId);

    [LibraryImport(Library)]
    private static partial void rd_kafka_mock_group_initial_rebalance_delay_ms(IntPtr cluster, int delayMs);
}
