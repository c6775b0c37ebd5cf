import ImJoySchema

/// What an array's dimensions mean: one axis per dimension (name `t`, `c`, `z`, `y`, `x` or
/// another, a physical pixel size and unit where known), and channel names. It travels with an
/// ``NDArray`` (``NDArray/metadata``), through the imjoy-rpc dict as `_rmetadata`
/// (``jsonValue``), and readers and writers of the formats that know axes fill and use it.
public struct ArrayMetadata: Sendable, Equatable {
    /// One dimension.
    public struct Axis: Sendable, Equatable {
        /// `t`, `c`, `z`, `y`, `x` (lowercase), or another name.
        public var name: String
        /// The pixel size (time step for `t`) in ``unit``, if known.
        public var scale: Double?
        /// The unit of ``scale`` (`micrometer`, `second`, …), if known.
        public var unit: String?

        public init(name: String, scale: Double? = nil, unit: String? = nil) {
            self.name = name.lowercased()
            self.scale = scale
            self.unit = unit
        }

        /// `time`, `channel`, `space`, or `nil` for another name (OME-NGFF's axis types).
        public var type: String? {
            switch name {
            case "t": "time"
            case "c": "channel"
            case "z", "y", "x": "space"
            default: nil
            }
        }
    }

    public var axes: [Axis]
    /// The names of the channels (along the `c` axis), if known.
    public var channelNames: [String]?

    public init(axes: [Axis], channelNames: [String]? = nil) {
        self.axes = axes
        self.channelNames = channelNames
    }

    /// The axes' names joined (`zyx`).
    public var axisNames: String { axes.map(\.name).joined() }

    /// The metadata without dimension `index` (a projection along it); channel names go with `c`.
    public func removingAxis(_ index: Int) -> ArrayMetadata? {
        guard axes.indices.contains(index) else { return nil }
        var copy = self
        if copy.axes.remove(at: index).name == "c" { copy.channelNames = nil }
        return copy.axes.isEmpty ? nil : copy
    }

    // MARK: - JSON (`_rmetadata`)

    /// `{"axes": [{"name": "z", "scale": 2, "unit": "micrometer"}, …], "channel_names": […]}`.
    public var jsonValue: JSONValue {
        var object: JSONObject = [
            "axes": .array(
                axes.map { axis in
                    var entry: JSONObject = ["name": .string(axis.name)]
                    if let scale = axis.scale { entry["scale"] = .number(scale) }
                    if let unit = axis.unit { entry["unit"] = .string(unit) }
                    return .object(entry)
                })
        ]
        if let channelNames { object["channel_names"] = .array(channelNames.map(JSONValue.string)) }
        return .object(object)
    }

    /// Parses ``jsonValue``'s form; `nil` for anything else (metadata is advisory: a plugin's
    /// malformed `_rmetadata` drops it, never the array).
    public init?(json: JSONValue) {
        guard let list = json["axes"]?.arrayValue, !list.isEmpty else { return nil }
        var axes: [Axis] = []
        for entry in list {
            guard let name = entry["name"]?.stringValue, !name.isEmpty else { return nil }
            let scale = entry["scale"]?.doubleValue.flatMap { $0.isFinite && $0 > 0 ? $0 : nil }
            axes.append(Axis(name: name, scale: scale, unit: entry["unit"]?.stringValue))
        }
        let names = json["channel_names"]?.arrayValue?.compactMap(\.stringValue)
        self.init(axes: axes, channelNames: names)
    }
}
