import Foundation
import ImJoySchema
import ImJoyWorkflow
import ImageIO

/// `read-zarr` and `write-zarr`: OME-Zarr stores through ImageIO's ``OMEZarr`` and ``ZarrFormat``.
enum ZarrOps {
    /// Reads level `level` of the store's root image, or of collection image `image`; the store
    /// is local or remote (only the chunks needed are fetched).
    static func read(_ store: any ZarrStore, config: BuiltinConfig) throws -> NDArray {
        let image = config.string("image").split(separator: "/").joined(separator: "/")
        let level = try config.integer("level")
        let names = try ZarrFormat().arrayNames(in: store)
        if !image.isEmpty, !names.contains(image) {
            let list = names.filter { !$0.isEmpty }.prefix(20).joined(separator: ", ")
            throw BuiltinOpError.invalidConfig(
                op: "read-zarr", parameter: "image",
                reason: "\(store.location) has no image '\(image)' (images: \(list.isEmpty ? "none" : list))")
        }
        let path = image.isEmpty ? (names.first ?? "") : image
        return try ZarrFormat.readImage(store.child(path), level: level)
    }

    /// Writes `array` as the image at the root of the store `path` names (per item), or as image
    /// `<item key>` of one collection store for all items (a template without `{item}`/`{stem}`).
    static func write(_ array: NDArray, config: BuiltinConfig, item: WorkItem, opID: String, outputDirectory: String, provenance: String?)
        throws -> JSONValue
    {
        let template = config.string("path")
        let relative = try OutputPaths.relativePath(template, item: item, op: opID)
        var options = try writeOptions(config, rank: array.rank)
        if let provenance { options.attributes[ZarrFormat.provenanceAttribute] = .string(provenance) }
        let url = try OutputPaths.prepareFile(relative, in: outputDirectory)
        let (axes, scale) = ZarrFormat.omeAxes(of: array)
        guard !OutputPaths.isPerItem(template) else {
            try OMEZarr.write(array, axes: axes, scale: scale, to: url, options: options)
            return ["path": .string(relative)]
        }
        var image = OutputPaths.sanitized(item.key)
        if image.hasPrefix(".") || image == "zarr.json" { image = "_" + image }
        try OMEZarr.add(array, named: image, axes: axes, scale: scale, toCollection: url, options: options)
        // The item's own image is its output (what its completion record hashes).
        return ["path": .string(relative + "/" + image), "store": .string(relative), "image": .string(image)]
    }

    /// The write options of `config`: NGFF version, compressor and level, chunk shape, pyramid levels.
    static func writeOptions(_ config: BuiltinConfig, rank: Int) throws -> OMEZarrWriteOptions {
        let op = config.declaration.name
        let name = try config.choice("compressor")
        let level = try config.optionalInteger("level")
        guard let compressor = ZarrCompressor(name: name, level: level) else {
            throw BuiltinOpError.invalidConfig(op: op, parameter: "compressor", reason: "unknown compressor '\(name)'")
        }
        switch compressor {
        case .blosc(_, let chosen, _) where !(0...9).contains(chosen):
            throw BuiltinOpError.invalidConfig(op: op, parameter: "level", reason: "Blosc level \(chosen) is outside 0...9")
        case .zstd(let chosen) where !(1...22).contains(chosen):
            throw BuiltinOpError.invalidConfig(op: op, parameter: "level", reason: "zstd level \(chosen) is outside 1...22")
        default: break
        }
        let format: ZarrArrayMetadata.Format = try config.choice("version") == "0.5" ? .v3 : .v2
        return OMEZarrWriteOptions(
            format: format, chunkShape: try chunkShape(config, rank: rank), compressor: compressor,
            pyramidLevels: try config.integer("levels"))
    }

    /// `auto` (or empty): `nil`; else one positive integer per dimension, `1, 256, 256`.
    static func chunkShape(_ config: BuiltinConfig, rank: Int) throws -> [Int]? {
        let text = config.string("chunks").trimmingCharacters(in: .whitespaces)
        if text.isEmpty || text.lowercased() == "auto" { return nil }
        let parts = text.trimmingCharacters(in: CharacterSet(charactersIn: "[]()")).split(separator: ",")
        let values = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard values.count == parts.count, values.allSatisfy({ $0 > 0 }) else {
            throw BuiltinOpError.invalidConfig(
                op: config.declaration.name, parameter: "chunks", reason: "'\(text)' is not 'auto' or positive integers separated by commas"
            )
        }
        guard values.count == rank else {
            throw BuiltinOpError.invalidConfig(
                op: config.declaration.name, parameter: "chunks", reason: "\(values.count) chunk sizes for an array of \(rank) dimensions")
        }
        return values
    }
}
