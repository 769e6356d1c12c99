namespace EdgeToken.Sensors.Dsp;

/// <summary>Splits an FFT length into the radices the butterflies handle.</summary>
internal static class FftFactorization
{
    /// <summary>Largest prime factor accepted; beyond it the generic butterfly's O(N·p) cost outgrows an FFT.</summary>
    public const int MaxGenericRadix = 31;

    /// <summary>
    /// Radix-4 first (fewest passes and multiplies), then 2, 3, 5, then small primes for the generic
    /// butterfly. Returns false if a prime factor exceeds <see cref="MaxGenericRadix"/>.
    /// </summary>
    public static bool TryFactor(int length, Span<int> radices, out int count)
    {
        count = 0;
        int remaining = length;
        while (remaining % 4 == 0)
        {
            radices[count++] = 4;
            remaining /= 4;
        }

        for (int p = 2; p <= MaxGenericRadix && remaining > 1; p++)
        {
            while (remaining % p == 0)
            {
                radices[count++] = p;
                remaining /= p;
            }
        }

        return remaining == 1;
    }
}
