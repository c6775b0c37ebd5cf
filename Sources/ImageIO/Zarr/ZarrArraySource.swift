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
    public var chunkShape: [Int]? { array.metadata.chunkShape }

    public func read(origin: [Int], shape: [Int]) throws -> NDArray {
        try ArraySourceError.check(origin: origin, shape: shape, in: self.shape)
        return try array.read(origin: origin, shape: shape, limit: .max)
    }
}
