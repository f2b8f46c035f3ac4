namespace Grains; internal static class Placeholder { }
