import Foundation
import ImageIO

/// The file ops: reading TIFF/HDF5 into arrays and writing arrays under the out dir.
enum FileOps {
    static func readTIFF(_ url: URL) throws -> NDArray {
        try TIFFReader.read(contentsOf: url).array
    }

    /// Reads `dataset` of the HDF5 file at `url`; a missing dataset lists those present.
    static func readHDF5(_ url: URL, dataset: String) throws -> NDArray {
        let file = try HDF5File(contentsOf: url)
        let path = dataset.hasPrefix("/") ? dataset : "/" + dataset
        guard file.kind(at: path) == .dataset else {
            let present = (try? file.datasetPaths()) ?? []
            let list = present.isEmpty ? "none" : present.prefix(20).joined(separator: ", ")
            throw KernelError("\(url.path) has no dataset '\(dataset)' (datasets: \(list))")
        }
        return try file.readDataset(path)
    }

    /// TIFF strip compression from the `write-tiff` config.
    static func tiffCompression(_ name: String, level: Int) throws -> Compression {
        switch name {
        case "deflate": return .deflate(level: level)
        case "zstd": return .zstd(level: level)
        case "lzw": return .lzw
        case "none": return .none
        default: throw KernelError("unknown TIFF compression '\(name)' (deflate, none, lzw, zstd)")
        }
    }

    /// Writes `array` as a TIFF at `url` (atomically, through ImageIO).
    /// `provenance` (JSON text) goes into the ImageDescription, or into the private tag
    /// ``ProvenanceBuilder/tiffTag`` when ImageJ metadata occupies the description.
    static func writeTIFF(_ array: NDArray, to url: URL, compression: Compression, imageJ: Bool, provenance: String? = nil) throws {
        var options = TIFFWriter.Options(compression: compression, description: imageJ ? .imageJ : (provenance.map { .text($0) } ?? .none))
        if imageJ, let provenance { options.privateASCIITags = [(ProvenanceBuilder.tiffTag, provenance)] }
        options.bigTIFF = nil
        // TIFF pages are 2-d: a 1-d array becomes one row, a 0-d array one pixel.
        let shaped = array.rank >= 2 ? array : try array.reshaped(array.rank == 1 ? [1, array.shape[0]] : [1, 1])
        // TIFF has no bool samples: store masks as uint8 0/1.
        let stored = shaped.dtype == .bool ? try shaped.converted(to: .uint8) : shaped
        try TIFFWriter.write(stored, to: url, options: options)
    }

    /// HDF5 layout from the `write-hdf5` config (`gzip` = shuffle + deflate chunks).
    static func hdf5Layout(_ name: String, level: Int) throws -> HDF5Layout {
        switch name {
        case "gzip": return .chunked(chunkShape: nil, compression: .deflate(level: level), shuffle: true)
        case "none": return .contiguous
        default: throw KernelError("unknown HDF5 compression '\(name)' (gzip, none)")
        }
    }
}
