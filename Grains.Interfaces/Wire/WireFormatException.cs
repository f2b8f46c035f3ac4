namespace Grains.Interfaces.Wire;

/// <summary>A message that does not follow the wire format: truncated, wrong header, counts or lengths out of range, bad UTF-8, trailing bytes.</summary>
public sealed class WireFormatException : Exception
{
    public WireFormatException(string message)
        : base(message)
    {
    }

    public WireFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
