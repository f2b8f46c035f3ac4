namespace Grains.Interfaces; internal static class Placeholder { }
