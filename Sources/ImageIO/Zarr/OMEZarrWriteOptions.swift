import Foundation
import ImJoySchema

/// How ``OMEZarr`` writes a store.
public struct OMEZarrWriteOptions: Sendable, Equatable {
    /// Zarr v2 with NGFF 0.4 (default), or Zarr v3 with NGFF 0.5.
    public var format: ZarrArrayMetadata.Format
    /// The chunk shape; `nil` picks up to 256 × 256 in Y, X, up to 16 in Z, 1 elsewhere.
    public var chunkShape: [Int]?
    /// The chunk compressor (default: numcodecs' Blosc, LZ4, level 5, byte shuffle).
    public var compressor: ZarrCompressor
    /// The number of downsampled levels added below full resolution.
    public var pyramidLevels: Int
    /// How each level is made from the one above.
    public var downsampling: OMEZarrDownsampling
    /// Whether Z (an axis named `z`) is halved too; Y and X always are.
    public var downsampleZ: Bool
    /// The threads compressing and writing chunks.
    public var workers: Int
    /// Extra attributes of the image group, beside `multiscales` (e.g. `imjoy_provenance`).
    public var attributes: JSONObject = [:]

    public init(
        format: ZarrArrayMetadata.Format = .v2, chunkShape: [Int]? = nil, compressor: ZarrCompressor = .bloscDefault,
        pyramidLevels: Int = 0, downsampling: OMEZarrDownsampling = .mean, downsampleZ: Bool = false,
        workers: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        self.format = format
        self.chunkShape = chunkShape
        self.compressor = compressor
        self.pyramidLevels = pyramidLevels
        self.downsampling = downsampling
        self.downsampleZ = downsampleZ
        self.workers = workers
    }

    /// The chunk shape for an array of `shape` with `axes`.
    func chunks(for shape: [Int], axes: [OMEAxis]) -> [Int] {
        if let chunkShape, chunkShape.count == shape.count { return zip(chunkShape, shape).map { max(1, min($0, max($1, 1))) } }
        return shape.enumerated().map { dim, extent in
            let name = axes.indices.contains(dim) ? axes[dim].name.lowercased() : ""
            let cap = name == "x" || name == "y" ? 256 : name == "z" ? 16 : 1
            return max(1, min(extent, cap))
        }
    }
}
