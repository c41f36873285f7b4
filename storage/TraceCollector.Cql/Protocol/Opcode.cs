namespace TraceCollector.Cql.Protocol;

/// <summary>The message kinds of native protocol v4 (section 2.4).</summary>
public enum Opcode : byte
{
    Error = 0x00,
    Startup = 0x01,
    Ready = 0x02,
    Authenticate = 0x03,
    Options = 0x05,
    Supported = 0x06,
    Query = 0x07,
    Result = 0x08,
    Prepare = 0x09,
    Execute = 0x0A,
    Register = 0x0B,
    Event = 0x0C,
    Batch = 0x0D,
    AuthChallenge = 0x0E,
    AuthResponse = 0x0F,
    AuthSuccess = 0x10,
}

/// <summary>Frame header flags (section 2.2).</summary>
[Flags]
public enum FrameFlags : byte
{
    None = 0,
    Compression = 0x01,
    Tracing = 0x02,
    CustomPayload = 0x04,
    Warning = 0x08,
    Beta = 0x10,
}

/// <summary>Consistency levels as the protocol numbers them (section 3, [consistency]).</summary>
public enum Consistency : ushort
{
    Any = 0x0000,
    One = 0x0001,
    Two = 0x0002,
    Three = 0x0003,
    Quorum = 0x0004,
    All = 0x0005,
    LocalQuorum = 0x0006,
    EachQuorum = 0x0007,
    Serial = 0x0008,
    LocalSerial = 0x0009,
    LocalOne = 0x000A,
}

/// <summary>The kinds of a RESULT body (section 4.2.5).</summary>
public enum ResultKind
{
    Void = 0x0001,
    Rows = 0x0002,
    SetKeyspace = 0x0003,
    Prepared = 0x0004,
    SchemaChange = 0x0005,
}

/// <summary>BATCH types (section 4.1.7).</summary>
public enum BatchType : byte
{
    Logged = 0,
    Unlogged = 1,
    Counter = 2,
}
