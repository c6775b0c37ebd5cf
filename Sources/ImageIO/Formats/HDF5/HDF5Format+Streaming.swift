import Foundation

extension HDF5Format {
    /// Dataset `name` (`nil`: the first), read a hyperslab at a time.
    public func source(_ url: URL, name: String?) throws -> any ArraySource {
        let file = try HDF5File(contentsOf: url)
        guard let name else {
            guard let first = try file.datasetPaths().first else {
                throw ArrayFormatError.unsupported(format: "hdf5", reason: "\(url.path) holds no dataset")
            }
            return try HDF5DatasetSource(file: file, path: first)
        }
        let path = name.hasPrefix("/") ? name : "/" + name
        guard file.kind(at: path) == .dataset else {
            let present = (try? file.datasetPaths()) ?? []
            let list = present.isEmpty ? "none" : present.prefix(20).joined(separator: ", ")
            throw ArrayFormatError.unsupported(format: "hdf5", reason: "\(url.path) has no dataset '\(name)' (datasets: \(list))")
        }
        return try HDF5DatasetSource(file: file, path: path)
    }

    /// Writes the array `source` provides as one dataset, a slab along the first axis at a time.
    public func write(source: any ArraySource, to url: URL, options: ArrayWriteOptions, blockBytes: Int) throws {
        try checkCapabilities(options, file: url)
        let compression = try options.compression ?? compression(named: nil, level: nil)
        let writer = try HDF5Writer(url: url, synchronizes: options.synchronizes)
        let path = options.name ?? Self.defaultDataset
        let layout = source.shape.isEmpty ? .contiguous : try Self.layout(for: compression)
        try writer.writeDataset(path, source: source, layout: layout, blockBytes: blockBytes)
        if let sizes = Self.elementSize(metadata: source.metadata, rank: source.shape.count) {
            try writer.setAttribute(Self.elementSizeAttribute, to: .numbers(sizes), at: path)
        }
        if let provenance = options.provenance {
            try writer.setAttribute(Self.provenanceAttribute, to: .string(provenance), at: path)
        } else if let origin = options.source {
            try writer.setAttribute("source", to: .string(origin), at: path)
        }
        try writer.commit()
    }
}
