import Foundation
import ImJoySchema
import ImJoyWorkflow
import ImageIO

extension ZarrOps {
    /// ``write(_:config:item:opID:outputDirectory:provenance:)`` for an array read block by block
    /// from `source` (at most about `blockBytes` of it at a time), each pyramid level streamed from
    /// the level above.
    static func write(
        source: any ArraySource, config: BuiltinConfig, item: WorkItem, opID: String, outputDirectory: String, provenance: String?,
        blockBytes: Int
    ) throws -> JSONValue {
        let template = config.string("path")
        let relative = try OutputPaths.relativePath(template, item: item, op: opID)
        var options = try writeOptions(config, rank: source.shape.count)
        if let provenance { options.attributes[ZarrFormat.provenanceAttribute] = .string(provenance) }
        let url = try OutputPaths.prepareFile(relative, in: outputDirectory)
        let (axes, scale) = ZarrFormat.omeAxes(of: source.metadata, rank: source.shape.count)
        guard !OutputPaths.isPerItem(template) else {
            try OMEZarr.write(source: source, axes: axes, scale: scale, to: url, options: options, blockBytes: blockBytes)
            return ["path": .string(relative)]
        }
        var image = OutputPaths.sanitized(item.key)
        if image.hasPrefix(".") || image == "zarr.json" { image = "_" + image }
        try OMEZarr.add(source: source, named: image, axes: axes, scale: scale, toCollection: url, options: options, blockBytes: blockBytes)
        return ["path": .string(relative + "/" + image), "store": .string(relative), "image": .string(image)]
    }
}
