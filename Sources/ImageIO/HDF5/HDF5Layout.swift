/// How a dataset is stored.
public enum HDF5Layout: Sendable, Equatable {
    /// One contiguous block, written with a single `H5Dwrite`.
    case contiguous
    /// Chunks of `chunkShape` (default: ``defaultChunkShape(for:dtype:)``), optionally byte-shuffled
    /// and deflated (`compression` `.none` or `.deflate(level:)`, the HDF5 gzip filter).
    case chunked(chunkShape: [Int]? = nil, compression: Compression = .deflate(level: 4), shuffle: Bool = true)

    /// Leading dimensions 1, the last two halved until a chunk holds at most 4 MiB.
    public static func defaultChunkShape(for shape: [Int], dtype: DType) -> [Int] {
        var chunk = shape.enumerated().map { index, extent in index >= shape.count - 2 ? max(extent, 1) : 1 }
        while chunk.reduce(dtype.byteSize, *) > 4 << 20 {
            guard let largest = chunk.indices.max(by: { chunk[$0] < chunk[$1] }), chunk[largest] > 1 else { break }
            chunk[largest] = (chunk[largest] + 1) / 2
        }
        return chunk
    }
}
