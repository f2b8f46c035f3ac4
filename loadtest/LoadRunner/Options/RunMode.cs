namespace LoadRunner.Options;

/// <summary>How the runner paces its requests.</summary>
internal enum RunMode
{
    /// <summary>Closed loop (<c>--vus</c>): each virtual user sends its next request as soon as the previous one is answered.</summary>
    ClosedLoop,

    /// <summary>Open loop (<c>--rate</c>): requests leave on a fixed timetable, whatever the response times.</summary>
    OpenLoop,
}
