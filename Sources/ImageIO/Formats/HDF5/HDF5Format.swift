import Foundation

/// HDF5 through libhdf5 (``HDF5File``, ``HDF5Writer``): a container of named datasets that
/// one item's ops, or all items of a run, can share; provenance as a string attribute of each
/// dataset. Shared and per-item files in a run go through the engine's `SharedHDF5Files`.
public struct HDF5Format: ArrayFormat {
    /// The attribute that holds provenance on each dataset.
    public static let provenanceAttribute = "imjoy_provenance"
    /// The dataset an array is written to when no name is given.
    public static let defaultDataset = "/data"

    public init() {}

    public var name: String { "hdf5" }
    public var aliases: [String] { ["h5"] }
    public var fileExtensions: [String] { ["h5", "hdf5", "he5", "hdf"] }
    public var storage: ArrayFormatStorage { .file }
    public var capabilities: ArrayFormatCapabilities { [.namedArrays, .sharedAcrossItems] }
    public var provenance: ProvenanceEmbedding { .attribute(name: Self.provenanceAttribute) }
    public var compressions: [CompressionChoice] { [.gzip, .none] }

    /// The layout for `compression`: `none` contiguous, deflate as chunks with byte shuffle.
    public static func layout(for compression: Compression) throws(ArrayFormatError) -> HDF5Layout {
        switch compression {
        case .none: return .contiguous
        case .deflate(let level): return .chunked(chunkShape: nil, compression: .deflate(level: level), shuffle: true)
        case .lzw, .zstd, .blosc: throw .unsupported(format: "hdf5", reason: "\(compression) is not written (gzip or none)")
        }
    }

    public func arrayNames(in url: URL) throws -> [String] {
        try HDF5File(contentsOf: url).datasetPaths()
    }

    /// Reads dataset `name` (a leading `/` optional); `nil` reads the first. A missing dataset
    /// fails with the list of those present.
    public func read(_ url: URL, name: String?) throws -> NDArray {
        let file = try HDF5File(contentsOf: url)
        guard let name else {
            guard let first = try file.datasetPaths().first else {
                throw ArrayFormatError.unsupported(format: "hdf5", reason: "\(url.path) holds no dataset")
            }
            var array = try file.readDataset(first)
            array.metadata = Self.metadata(in: file, path: first, rank: array.rank)
            return array
        }
        let path = name.hasPrefix("/") ? name : "/" + name
        guard file.kind(at: path) == .dataset else {
            let present = (try? file.datasetPaths()) ?? []
            let list = present.isEmpty ? "none" : present.prefix(20).joined(separator: ", ")
            throw ArrayFormatError.unsupported(format: "hdf5", reason: "\(url.path) has no dataset '\(name)' (datasets: \(list))")
        }
        var array = try file.readDataset(path)
        array.metadata = Self.metadata(in: file, path: path, rank: array.rank)
        return array
    }

    public func write(_ array: NDArray, to url: URL, options: ArrayWriteOptions) throws {
        try checkCapabilities(options, file: url)
        let compression = try options.compression ?? compression(named: nil, level: nil)
        let writer = try HDF5Writer(url: url, synchronizes: options.synchronizes)
        let path = options.name ?? Self.defaultDataset
        try writer.writeDataset(path, array, layout: array.rank == 0 ? .contiguous : Self.layout(for: compression))
        if let sizes = Self.elementSize(of: array) { try writer.setAttribute(Self.elementSizeAttribute, to: .numbers(sizes), at: path) }
        if let provenance = options.provenance {
            try writer.setAttribute(Self.provenanceAttribute, to: .string(provenance), at: path)
        } else if let source = options.source {
            try writer.setAttribute("source", to: .string(source), at: path)
        }
        try writer.commit()
    }
}
