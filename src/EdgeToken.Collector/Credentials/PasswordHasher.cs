using System.Security.Cryptography;

namespace EdgeToken.Collector.Credentials;

/// <summary>Engineers' passwords: PBKDF2-SHA256 with a per-user salt, compared in constant time.</summary>
/// <remarks>600,000 iterations is OWASP's 2023 figure for PBKDF2-SHA256; the count is stored per user so it can rise later.</remarks>
public static class PasswordHasher
{
    public const int Iterations = 600_000;

    public static (string Salt, string Hash, int Iterations) Hash(string password)
    {
        byte[] salt = RandomNumberGenerator.GetBytes(16);
        byte[] hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA256, 32);
        return (Convert.ToBase64String(salt), Convert.ToBase64String(hash), Iterations);
    }

    public static bool Verify(string password, string salt, string hash, int iterations)
    {
        byte[] expected = Convert.FromBase64String(hash);
        byte[] actual = Rfc2898DeriveBytes.Pbkdf2(password, Convert.FromBase64String(salt), iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }
}
