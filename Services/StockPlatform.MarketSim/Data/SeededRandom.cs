namespace StockPlatform.MarketSim.Data;

/// <summary>
/// SplitMix64: tiny, fast, and its sequence is fixed forever (System.Random's algorithm for a
/// given seed is an implementation detail that may change between .NET versions).
/// </summary>
internal struct SeededRandom(ulong seed)
{
    private ulong _state = seed;
    private double _spare;
    private bool _hasSpare;

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        var z = _state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => StableHash.Unit(NextUInt64());

    /// <summary>Standard normal (Box-Muller; each pair of uniforms gives two values).</summary>
    public double NextGaussian()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spare;
        }
        var radius = Math.Sqrt(-2.0 * Math.Log(1.0 - NextDouble()));
        var (sin, cos) = Math.SinCos(2.0 * Math.PI * NextDouble());
        _spare = radius * sin;
        _hasSpare = true;
        return radius * cos;
    }
}
