import Foundation

/// Reading OME-Zarr through any ``ZarrStore`` (a local directory, or a remote store over HTTP or
/// S3 opened by ``ZarrStoreRegistry``): only the metadata and the chunks a read touches are fetched.
extension ZarrFormat {
    /// The images a collection store lists (nested collections as `a/b`); `[""]` for a store
    /// holding one image at its root.
    public func arrayNames(in store: any ZarrStore) throws -> [String] {
        let images = try OMEZarrCollection.images(storage: store)
        guard !images.isEmpty else { return [""] }
        var names: [String] = []
        for image in images {
            names += try arrayNames(in: store.child(image)).map { $0.isEmpty ? image : image + "/" + $0 }
        }
        return names
    }

    /// Level `level` of the image at the root of `store`, with its axes and scale as metadata.
    public static func readImage(_ store: any ZarrStore, level: Int, limit: Int = NDArray.maximumByteCount) throws -> NDArray {
        let image = try OMEZarrImage(storage: store)
        var array = try image.read(level: level, limit: limit)
        array.metadata = arrayMetadata(image.metadata, level: level)
        return array
    }

    /// Image `name` of the store at `location` (a path or an `http(s)://`/`s3://` URL), level 0;
    /// `nil` reads the root image, else the collection's first (``read(_:name:)`` for any location).
    public func read(location: String, name: String?, registry: ZarrStoreRegistry = .standard) throws -> NDArray {
        let store = try registry.open(location)
        let names = try arrayNames(in: store)
        let trimmed = name.map { $0.split(separator: "/").joined(separator: "/") } ?? ""
        if !trimmed.isEmpty, !names.contains(trimmed) {
            let list = names.filter { !$0.isEmpty }.prefix(20).joined(separator: ", ")
            throw ArrayFormatError.unsupported(
                format: self.name, reason: "\(store.location) has no image '\(trimmed)' (images: \(list.isEmpty ? "none" : list))")
        }
        let path = trimmed.isEmpty ? (names.first ?? "") : trimmed
        return try Self.readImage(store.child(path), level: 0)
    }
}
