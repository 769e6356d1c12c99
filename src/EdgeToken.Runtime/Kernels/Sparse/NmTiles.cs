namespace EdgeToken.Runtime.Kernels.Sparse;

/// <summary>The tiled order of <see cref="NmSparse"/>'s kept values [rows, kept] that
/// <see cref="SparseInt8Gemm.RunTiled"/> reads: blocks of <see cref="Rows"/> output rows (one block never straddles two
/// mask panels, so the panel size must be a multiple of <see cref="Rows"/>), each block's values stored as tiles of
/// <see cref="Width"/> kept columns, row after row inside a tile (<c>[rows/8][kept/16][8][16]</c>; the last block may have
/// fewer rows, the last tile of a block fewer columns). The same bytes as the row-major layout, reordered.</summary>
/// <remarks>Why: a block of eight rows shares one gathered x, so its whole weight tile is one contiguous stream of
/// 128 bytes per 16 kept inputs. AVX-512BW sign-extends two rows' 16 values per load and multiplies them with the 16
/// gathered inputs broadcast to both halves (vpmaddwd), four loads per tile for the eight rows, and reduces the eight
/// rows' partial sums once per block (a dozen instructions) instead of once per row; AVX2, ARM sdot and the portable
/// path take one row's 16 values per load against the same 16 inputs. The row-major layout needed a call, four
/// weight streams and a full horizontal reduction per four rows.</remarks>
public static class NmTiles
{
    /// <summary>Output rows per block (they share one gathered x).</summary>
    public const int Rows = 8;
    /// <summary>Kept columns per tile: one 128-bit load of int8 per row, one 256-bit vector of int16 inputs.</summary>
    public const int Width = 16;

    /// <summary>Whether N:M values with masks shared by <paramref name="panel"/> rows can be tiled: a block of
    /// <see cref="Rows"/> rows must lie inside one panel.</summary>
    public static bool CanTile(int panel) => panel > 0 && panel % Rows == 0;

    /// <summary>Where value (row, j) of a [rows, kept] matrix lives in the tiled order.</summary>
    public static int Index(int row, int j, int rows, int kept)
    {
        int block = row / Rows, r = row % Rows, inBlock = Math.Min(Rows, rows - block * Rows);
        int tile = j / Width, width = Math.Min(Width, kept - tile * Width);
        return block * Rows * kept + tile * Width * inBlock + r * width + j % Width;
    }

    /// <summary>Reorders row-major [rows, kept] values into the tiled order (the compiler does it once, at build time).</summary>
    public static T[] Tile<T>(ReadOnlySpan<T> values, int rows, int kept)
    {
        var tiled = new T[rows * kept];
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < kept; j++) tiled[Index(r, j, rows, kept)] = values[r * kept + j];
        return tiled;
    }

    /// <summary>The row-major values back (tests, reports).</summary>
    public static T[] Untile<T>(ReadOnlySpan<T> tiled, int rows, int kept)
    {
        var values = new T[rows * kept];
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < kept; j++) values[r * kept + j] = tiled[Index(r, j, rows, kept)];
        return values;
    }
}
