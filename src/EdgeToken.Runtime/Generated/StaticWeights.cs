using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeToken.Runtime.Generated;

/// <summary>Weights compiled into an assembly as static data (<c>static ReadOnlySpan&lt;byte&gt; W =&gt; new byte[] { ... }</c>,
/// which the C# compiler stores as RVA data in the image). Kernels that keep a constant input as
/// <see cref="ReadOnlyMemory{T}"/> get a view of that image memory: nothing is copied onto the managed heap.</summary>
public static class StaticWeights
{
    /// <summary>A memory over <paramref name="rvaData"/>, which must be static data of a loaded module (it does
    /// not move and lives as long as the module), never a heap array or stack memory.</summary>
    public static unsafe ReadOnlyMemory<byte> AsMemory(ReadOnlySpan<byte> rvaData)
    {
        if (rvaData.IsEmpty) return ReadOnlyMemory<byte>.Empty;
        var pointer = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(rvaData));
        return new ImageMemory(pointer, rvaData.Length).Memory;
    }

    private sealed unsafe class ImageMemory(byte* pointer, int length) : MemoryManager<byte>
    {
        public override Span<byte> GetSpan() => new(pointer, length);

        // Image memory never moves, so pinning is a no-op.
        public override MemoryHandle Pin(int elementIndex = 0) => new(pointer + elementIndex);

        public override void Unpin() { }

        protected override void Dispose(bool disposing) { }
    }
}
