import Foundation
import ImJoySchema

/// One axis of an OME-NGFF image: a name (`t`, `c`, `z`, `y`, `x`), a type and a unit.
public struct OMEAxis: Sendable, Equatable {
    public var name: String
    /// `space`, `time`, `channel`, or `nil`.
    public var type: String?
    /// A UCUM-like unit name (`micrometer`, `second`), or `nil`.
    public var unit: String?

    public init(name: String, type: String? = nil, unit: String? = nil) {
        self.name = name
        self.type = type
        self.unit = unit
    }

    /// Default axes for `rank` dimensions: the last ones `x`, `y`, `z`, then `c`, `t`.
    public static func defaults(rank: Int) -> [OMEAxis] {
        let names = ["t", "c", "z", "y", "x"].suffix(min(rank, 5))
        let extra = (0..<max(rank - 5, 0)).map { OMEAxis(name: "dim\($0)") }
        return extra + names.map { OMEAxis(name: $0, type: $0 == "t" ? "time" : $0 == "c" ? "channel" : "space") }
    }
}

/// One level of a multiscale image: its array path and coordinate transformations.
public struct OMEDataset: Sendable, Equatable {
    public var path: String
    public var scale: [Double]
    public var translation: [Double]?
}

/// The OME-NGFF `multiscales` metadata of an image (its first multiscale entry).
public struct OMEImageMetadata: Sendable, Equatable {
    /// The axes, slowest first.
    public var axes: [OMEAxis]
    /// The levels, full resolution first.
    public var datasets: [OMEDataset]
    /// The image's name, if any.
    public var name: String?
    /// The NGFF version read or to write (`0.4` with Zarr v2, `0.5` with Zarr v3).
    public var version: String

    public init(axes: [OMEAxis], datasets: [OMEDataset], name: String? = nil, version: String = "0.4") {
        self.axes = axes
        self.datasets = datasets
        self.name = name
        self.version = version
    }

    /// The full-resolution level's scale (physical size of a pixel per axis).
    public var scale: [Double] { datasets.first?.scale ?? axes.map { _ in 1 } }

    // MARK: - JSON

    /// The `multiscales` array (0.4 puts `version` in each entry; 0.5 in the `ome` object).
    func multiscalesJSON() -> JSONValue {
        var entry: JSONObject = [:]
        if version == "0.4" { entry["version"] = "0.4" }
        if let name { entry["name"] = .string(name) }
        entry["axes"] = .array(
            axes.map { axis in
                var object: JSONObject = ["name": .string(axis.name)]
                if let type = axis.type { object["type"] = .string(type) }
                if let unit = axis.unit { object["unit"] = .string(unit) }
                return .object(object)
            })
        entry["datasets"] = .array(
            datasets.map { dataset in
                var transforms: [JSONValue] = [["type": "scale", "scale": .array(dataset.scale.map(JSONValue.number))]]
                if let translation = dataset.translation {
                    transforms.append(["type": "translation", "translation": .array(translation.map(JSONValue.number))])
                }
                return ["path": .string(dataset.path), "coordinateTransformations": .array(transforms)]
            })
        return [.object(entry)]
    }

    /// Parses the first entry of a `multiscales` array; `version` is the enclosing one (0.5) if any.
    static func parse(_ multiscales: ZarrJSONField, version outerVersion: String?) throws(ZarrError) -> OMEImageMetadata {
        let entries = try multiscales.array()
        guard let entry = entries.first else { throw multiscales.error("no multiscale image") }
        let versionField = entry.member("version")
        let version = versionField.isMissing ? (outerVersion ?? "0.4") : try versionField.string()
        var axes: [OMEAxis] = []
        for axis in try entry.member("axes").array() {
            // NGFF 0.3 lists names only.
            if let name = axis.value?.stringValue {
                axes.append(OMEAxis(name: name))
                continue
            }
            let type = axis.member("type")
            let unit = axis.member("unit")
            axes.append(
                OMEAxis(
                    name: try axis.member("name").string(), type: type.isMissing ? nil : try type.string(),
                    unit: unit.isMissing ? nil : try unit.string()))
        }
        guard (1...ZarrLimits.maximumRank).contains(axes.count) else { throw entry.member("axes").error("\(axes.count) axes") }
        let datasetFields = try entry.member("datasets").array()
        guard (1...ZarrLimits.maximumLevels).contains(datasetFields.count) else {
            throw entry.member("datasets").error("\(datasetFields.count) datasets; expected 1...\(ZarrLimits.maximumLevels)")
        }
        var datasets: [OMEDataset] = []
        for field in datasetFields {
            let path = try field.member("path").string()
            guard !path.isEmpty, !path.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }), !path.hasPrefix("/") else {
                throw field.member("path").error("\"\(path)\" is not a relative path inside the store")
            }
            var dataset = OMEDataset(path: path, scale: axes.map { _ in 1 }, translation: nil)
            let transforms = field.member("coordinateTransformations")
            for transform in transforms.isMissing ? [] : try transforms.array() {
                switch try transform.member("type").string() {
                case "scale": dataset.scale = try checkedList(transform.member("scale"), count: axes.count)
                case "translation": dataset.translation = try checkedList(transform.member("translation"), count: axes.count)
                default: break
                }
            }
            datasets.append(dataset)
        }
        let name = entry.member("name")
        return OMEImageMetadata(axes: axes, datasets: datasets, name: name.isMissing ? nil : try name.string(), version: version)
    }

    private static func checkedList(_ field: ZarrJSONField, count: Int) throws(ZarrError) -> [Double] {
        let list = try field.doubleList()
        guard list.count == count else { throw field.error("\(list.count) values for \(count) axes") }
        return list
    }
}
