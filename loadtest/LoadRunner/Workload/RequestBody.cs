namespace LoadRunner.Workload;

/// <summary>
/// A pre-encoded <c>POST /predict</c> body: the first <see cref="Length"/> bytes of <see cref="Buffer"/>.
/// <see cref="Rented"/> bodies were built for one request in an ArrayPool buffer that goes back when it is sent;
/// the others are shared pool bodies, never written after construction.
/// </summary>
internal readonly record struct RequestBody(byte[] Buffer, int Length, bool Rented);
