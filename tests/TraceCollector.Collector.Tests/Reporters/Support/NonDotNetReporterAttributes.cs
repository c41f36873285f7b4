namespace TraceCollector.Collector.Tests.Reporters.Support;

/// <summary>
/// A test that runs a reporter written in another language. It runs by default and fails, naming what
/// to install, when the reporter is missing; only SKIP_NON_DOTNET_REPORTER_TESTS=true skips it, with
/// the reason in the test output, for a machine that cannot have Python or Node.js.
/// </summary>
public sealed class NonDotNetReporterTheoryAttribute : TheoryAttribute
{
    public NonDotNetReporterTheoryAttribute()
    {
        if (NonDotNetReporters.OptedOut) Skip = NonDotNetReporters.OptOutReason;
    }
}

/// <inheritdoc cref="NonDotNetReporterTheoryAttribute"/>
public sealed class NonDotNetReporterFactAttribute : FactAttribute
{
    public NonDotNetReporterFactAttribute()
    {
        if (NonDotNetReporters.OptedOut) Skip = NonDotNetReporters.OptOutReason;
    }
}
