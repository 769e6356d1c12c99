using System.Security.Cryptography;
using System.Text;

namespace EdgeToken.Collector.Credentials;

/// <summary>
/// A device's bearer token: <c>{deviceId}.{secret}</c>, the secret 32 random bytes in base64url. The device id in
/// front lets the collector find the credential (and the rate-limit partition) without a search; the secret is
/// what proves it. Only a salted hash of the secret is stored.
/// </summary>
/// <remarks>
/// The hash is SHA-256 over salt and secret, not PBKDF2: the secret has 256 bits of entropy, so stretching adds
/// nothing against guessing, and every ingest request verifies it (PBKDF2 at 100k iterations would cost ~30 ms
/// of CPU per request). Passwords, which people choose, use <see cref="PasswordHasher"/> instead.
/// </remarks>
public static class DeviceToken
{
    public static string Issue(string deviceId, out string salt, out string hash)
    {
        string secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        salt = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        hash = Hash(salt, secret);
        return deviceId + "." + secret;
    }

    /// <summary>Splits a presented token into the device it claims and its secret; false when it has no such shape.</summary>
    public static bool TrySplit(string token, out string deviceId, out string secret)
    {
        int dot = token.LastIndexOf('.');
        deviceId = dot > 0 ? token[..dot] : "";
        secret = dot > 0 ? token[(dot + 1)..] : "";
        return dot > 0 && secret.Length > 0;
    }

    public static bool Verify(string salt, string storedHash, string secret)
    {
        byte[] expected, actual;
        try { expected = Convert.FromBase64String(storedHash); }
        catch (FormatException) { return false; }
        actual = HashBytes(salt, secret);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    static string Hash(string salt, string secret) => Convert.ToBase64String(HashBytes(salt, secret));

    static byte[] HashBytes(string salt, string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(salt + ":" + secret));

    static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
