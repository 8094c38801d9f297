namespace Bench.Scenarios; internal static class Program { private static int Main() => 0; }
