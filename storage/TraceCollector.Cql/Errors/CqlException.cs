using TraceCollector.Cql.Protocol;

namespace TraceCollector.Cql;

/// <summary>Anything that went wrong talking CQL: a server ERROR or a client-side failure.</summary>
public class CqlException : Exception
{
    public CqlException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}

/// <summary>The peer sent bytes that do not follow the protocol (short body, bad length, unknown kind).</summary>
public sealed class CqlProtocolViolationException(string message) : CqlException(message);

/// <summary>No response within the request timeout; the request may or may not have been applied.</summary>
public sealed class CqlRequestTimeoutException(string message) : CqlException(message);

/// <summary>The connection closed or failed while the request was outstanding.</summary>
public sealed class CqlConnectionException(string message, Exception? inner = null) : CqlException(message, inner);

/// <summary>Every host in the query plan was tried and none could serve the request.</summary>
public sealed class NoHostAvailableException(string message, IReadOnlyDictionary<string, Exception> errors)
    : CqlException(message + (errors.Count == 0 ? "" : ": " + string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value.Message}"))))
{
    public IReadOnlyDictionary<string, Exception> Errors { get; } = errors;
}

/// <summary>An ERROR response (section 9). <see cref="Code"/> is the protocol's error code.</summary>
public class CqlServerException(int code, string message) : CqlException(message)
{
    public int Code { get; } = code;

    /// <summary>Whether sending the same request to another host can succeed.</summary>
    public virtual bool IsRetryableOnAnotherHost => false;
}

/// <summary>0x0000: an unexpected server-side failure.</summary>
public sealed class ServerErrorException(string message) : CqlServerException(CqlErrorCodes.ServerError, message)
{
    public override bool IsRetryableOnAnotherHost => true;
}

/// <summary>0x000A: the server thinks we violated the protocol (also how an unsupported version is refused).</summary>
public sealed class ProtocolErrorException(string message) : CqlServerException(CqlErrorCodes.ProtocolError, message);

/// <summary>0x0100: authentication was required and failed.</summary>
public sealed class AuthenticationException(string message) : CqlServerException(CqlErrorCodes.BadCredentials, message);

/// <summary>0x1000: not enough live replicas for the consistency level.</summary>
public sealed class UnavailableException(string message, Consistency consistency, int required, int alive)
    : CqlServerException(CqlErrorCodes.Unavailable, message)
{
    public Consistency Consistency { get; } = consistency;
    public int Required { get; } = required;
    public int Alive { get; } = alive;
    public override bool IsRetryableOnAnotherHost => true;
}

/// <summary>0x1001: the coordinator is overloaded.</summary>
public sealed class OverloadedException(string message) : CqlServerException(CqlErrorCodes.Overloaded, message)
{
    public override bool IsRetryableOnAnotherHost => true;
}

/// <summary>0x1002: the coordinator is bootstrapping.</summary>
public sealed class IsBootstrappingException(string message) : CqlServerException(CqlErrorCodes.IsBootstrapping, message)
{
    public override bool IsRetryableOnAnotherHost => true;
}

/// <summary>0x1003: a TRUNCATE failed.</summary>
public sealed class TruncateException(string message) : CqlServerException(CqlErrorCodes.TruncateError, message);

/// <summary>0x1100: replicas did not acknowledge a write in time.</summary>
public sealed class WriteTimeoutException(string message, Consistency consistency, int received, int blockFor, string writeType)
    : CqlServerException(CqlErrorCodes.WriteTimeout, message)
{
    public Consistency Consistency { get; } = consistency;
    public int Received { get; } = received;
    public int BlockFor { get; } = blockFor;
    public string WriteType { get; } = writeType;
}

/// <summary>0x1200: replicas did not answer a read in time.</summary>
public sealed class ReadTimeoutException(string message, Consistency consistency, int received, int blockFor, bool dataPresent)
    : CqlServerException(CqlErrorCodes.ReadTimeout, message)
{
    public Consistency Consistency { get; } = consistency;
    public int Received { get; } = received;
    public int BlockFor { get; } = blockFor;
    public bool DataPresent { get; } = dataPresent;
}

/// <summary>0x1300: a replica failed a read (e.g. too many tombstones).</summary>
public sealed class ReadFailureException(string message, Consistency consistency, int received, int blockFor, int failures, bool dataPresent)
    : CqlServerException(CqlErrorCodes.ReadFailure, message)
{
    public Consistency Consistency { get; } = consistency;
    public int Received { get; } = received;
    public int BlockFor { get; } = blockFor;
    public int Failures { get; } = failures;
    public bool DataPresent { get; } = dataPresent;
}

/// <summary>0x1400: a user-defined function failed.</summary>
public sealed class FunctionFailureException(string message, string keyspace, string function, IReadOnlyList<string> argTypes)
    : CqlServerException(CqlErrorCodes.FunctionFailure, message)
{
    public string Keyspace { get; } = keyspace;
    public string Function { get; } = function;
    public IReadOnlyList<string> ArgTypes { get; } = argTypes;
}

/// <summary>0x1500: a replica failed a write.</summary>
public sealed class WriteFailureException(string message, Consistency consistency, int received, int blockFor, int failures, string writeType)
    : CqlServerException(CqlErrorCodes.WriteFailure, message)
{
    public Consistency Consistency { get; } = consistency;
    public int Received { get; } = received;
    public int BlockFor { get; } = blockFor;
    public int Failures { get; } = failures;
    public string WriteType { get; } = writeType;
}

/// <summary>0x1600 (protocol v5): a write to a CDC-enabled table was refused.</summary>
public sealed class CdcWriteFailureException(string message) : CqlServerException(CqlErrorCodes.CdcWriteFailure, message);

/// <summary>0x1700 (protocol v5): the outcome of a lightweight transaction is unknown.</summary>
public sealed class CasWriteUnknownException(string message, Consistency consistency, int received, int blockFor)
    : CqlServerException(CqlErrorCodes.CasWriteUnknown, message)
{
    public Consistency Consistency { get; } = consistency;
    public int Received { get; } = received;
    public int BlockFor { get; } = blockFor;
}

/// <summary>0x2000: the statement does not parse.</summary>
public sealed class SyntaxErrorException(string message) : CqlServerException(CqlErrorCodes.SyntaxError, message);

/// <summary>0x2100: the user may not run the statement.</summary>
public sealed class UnauthorizedException(string message) : CqlServerException(CqlErrorCodes.Unauthorized, message);

/// <summary>0x2200: the statement parses but is invalid (unknown table, wrong type...).</summary>
public sealed class InvalidQueryException(string message) : CqlServerException(CqlErrorCodes.Invalid, message);

/// <summary>0x2300: invalid because of the server's configuration (e.g. SASI disabled).</summary>
public sealed class ConfigErrorException(string message) : CqlServerException(CqlErrorCodes.ConfigError, message);

/// <summary>0x2400: the keyspace or table to create exists; <see cref="Table"/> is empty for a keyspace.</summary>
public sealed class AlreadyExistsException(string message, string keyspace, string table)
    : CqlServerException(CqlErrorCodes.AlreadyExists, message)
{
    public string Keyspace { get; } = keyspace;
    public string Table { get; } = table;
}

/// <summary>0x2500: the host does not know the prepared statement id (it restarted or evicted it).</summary>
public sealed class UnpreparedException(string message, byte[] statementId) : CqlServerException(CqlErrorCodes.Unprepared, message)
{
    public byte[] StatementId { get; } = statementId;
}

/// <summary>Any error code this client does not know.</summary>
public sealed class UnknownServerErrorException(int code, string message) : CqlServerException(code, message);

public static class CqlErrorCodes
{
    public const int ServerError = 0x0000;
    public const int ProtocolError = 0x000A;
    public const int BadCredentials = 0x0100;
    public const int Unavailable = 0x1000;
    public const int Overloaded = 0x1001;
    public const int IsBootstrapping = 0x1002;
    public const int TruncateError = 0x1003;
    public const int WriteTimeout = 0x1100;
    public const int ReadTimeout = 0x1200;
    public const int ReadFailure = 0x1300;
    public const int FunctionFailure = 0x1400;
    public const int WriteFailure = 0x1500;
    public const int CdcWriteFailure = 0x1600;
    public const int CasWriteUnknown = 0x1700;
    public const int SyntaxError = 0x2000;
    public const int Unauthorized = 0x2100;
    public const int Invalid = 0x2200;
    public const int ConfigError = 0x2300;
    public const int AlreadyExists = 0x2400;
    public const int Unprepared = 0x2500;
}
