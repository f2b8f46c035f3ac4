using Tests.EndToEnd;

namespace Tests.Fuzz;

/// <summary>
/// The API process the fuzz test hammers, over the lexicon model: the same tokenizer, ONNX Runtime engine, grains and
/// HTTP stack as the default model, for a fraction of the CPU. With MiniLM the run's valid requests (a third of them)
/// spent most of the time in the model: 10,000 took 125 s beside the rest of the suite on two cores, and the queue
/// grew past the grain-call timeout.
/// </summary>
public sealed class FuzzServerFixture : ConfiguredServerFixture;
