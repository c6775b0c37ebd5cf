import Foundation

/// One level of an OME-Zarr image as an ``ArraySource``: a box reads only the chunks it touches.
public struct ZarrArraySource: ArraySource {
    /// The level's Zarr array.
    public let array: ZarrArray
    public let metadata: ArrayMetadata?

    /// Level `level` of the image at `url`, with its axes and that level's scale.
    public init(image url: URL, level: Int = 0) throws(ZarrError) {
        let image = try OMEZarrImage(store: url)
        guard image.levels.indices.contains(level) else {
            throw ZarrError(.invalidArgument, store: url.path, reason: "level \(level) does not exist (\(image.levels.count) levels)")
        }
        array = image.levels[level]
        metadata = ZarrFormat.arrayMetadata(image.metadata, level: level)
    }

    /// The Zarr array `array`, without OME metadata (a level being written).
    init(array: ZarrArray) {
        self.array = array
        metadata = nil
    }

    public var shape: [Int] { array.metadata.shape }
    public var dtype: DType { array.metadata.dtype }
    /// The chunks a read decodes: a sharded array's inner chunks. Streaming writers grow their
    /// blocks to whole source chunks, and a sharded read decodes only the inner chunks a block
    /// overlaps, so inner-chunk-aligned blocks decode each inner chunk once — whereas the shard
    /// shape (often tens or hundreds of MiB) would often not fit the block budget, leaving blocks
    /// misaligned with the inner chunks and decoding them again for every block that touches them.
    /// A block re-reads the index of each shard it touches (16 bytes per inner chunk).
    public var chunkShape: [Int]? { array.metadata.innerChunkShape }

    public func read(origin: [Int], shape: [Int]) throws -> NDArray {
        try ArraySourceError.check(origin: origin, shape: shape, in: self.shape)
        return try array.read(origin: origin, shape: shape, limit: .max)
    }
}
