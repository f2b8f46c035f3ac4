using LoadRunner.Measurement;
using LoadRunner.Options;

namespace LoadRunner.Running;

/// <summary>Everything a finished run measured, for the report.</summary>
/// <param name="Options">What was asked.</param>
/// <param name="TextsPath">Where the sentences came from.</param>
/// <param name="SentenceCount">Distinct sentences read from it.</param>
/// <param name="RunTag">The tag that makes this run's new texts unique.</param>
/// <param name="Priming">The pool priming requests (empty when not primed).</param>
/// <param name="Warmup">Requests started during the warmup.</param>
/// <param name="Measured">Requests started (open loop: scheduled) in the measured window.</param>
/// <param name="MeasuredSeconds">The measured window's length; shorter than asked when stopped early.</param>
/// <param name="StoppedEarly">The run was interrupted (Ctrl+C).</param>
internal sealed record RunResult(
    RunOptions Options,
    string TextsPath,
    int SentenceCount,
    string RunTag,
    RunStatistics Priming,
    RunStatistics Warmup,
    RunStatistics Measured,
    double MeasuredSeconds,
    bool StoppedEarly);
