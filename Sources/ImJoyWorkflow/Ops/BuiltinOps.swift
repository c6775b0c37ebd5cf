import Synchronization
import ImJoyPlugin
import ImJoySchema

/// The built-in ops: native Swift, all functional. Each is described like a plugin op — a `ui`
/// declaring its config, and `inputs`/`outputs` schemas — so workflows validate them the same
/// way and `imjoy-run ops` can list them. Their kernels live in ImJoyEngine.
public enum BuiltinOps {
    /// The descriptions, by name, in catalog order.
    public static let all: [OpDescription] = specs.map(\.description)

    /// The built-in ops' names, in catalog order.
    public static let names: [String] = specs.map(\.name)

    /// The description of built-in op `name` (parsed on first use: a run needs only its own ops',
    /// and parsing every op's `ui` cost a few milliseconds of each run's start-up).
    public static func description(_ name: String) -> OpDescription? {
        parsed.withLock { cache in
            if let known = cache[name] { return known }
            guard let spec = specs.first(where: { $0.name == name }) else { return nil }
            let description = spec.description
            cache[name] = description
            return description
        }
    }

    private static let parsed = Mutex<[String: OpDescription]>([:])

    private static let anyArray = #"{"ndarray": {}}"#
    private static let fileOutput = #"{"type": "object", "required": ["path"], "properties": {"path": {"type": "string"}}}"#

    private static let specs: [Spec] = [
        Spec("read-tiff", "Reads a TIFF file (a page or a stack of equal pages) into an array.",
             ui: "", inputs: #"{"file": {"ext": [".tif", ".tiff", ".TIF", ".TIFF"]}}"#, outputs: anyArray),
        Spec("read-hdf5", "Reads a dataset of an HDF5 file into an array.",
             ui: "Dataset {id: 'dataset', type: 'string', placeholder: 'data'}",
             inputs: #"{"file": {"ext": [".h5", ".hdf5", ".he5", ".H5"]}}"#, outputs: anyArray),
        Spec("write-tiff", "Writes an array as a TIFF file in the out dir; returns {path}.",
             ui: "Path {id: 'path', type: 'string', placeholder: '{item}/{op}.tif'} compression {id: 'compression', type: 'choose', options: ['deflate', 'none', 'lzw', 'zstd'], placeholder: 'deflate'} level {id: 'level', type: 'number', placeholder: 6, min: 1, max: 12} ImageJ metadata {id: 'imagej', type: 'choose', options: ['no', 'yes'], placeholder: 'no'}",
             inputs: anyArray, outputs: fileOutput),
        Spec("write-hdf5", "Writes an array as a dataset of an HDF5 file in the out dir; returns {path}.",
             ui: "Path {id: 'path', type: 'string', placeholder: '{item}.h5'} dataset {id: 'dataset', type: 'string', placeholder: '{op}'} compression {id: 'compression', type: 'choose', options: ['gzip', 'none'], placeholder: 'gzip'} level {id: 'level', type: 'number', placeholder: 4, min: 1, max: 9}",
             inputs: anyArray, outputs: fileOutput),
        Spec("gaussian", "Gaussian smoothing over every axis (separable, float32), like scipy.ndimage.gaussian_filter.",
             ui: "Sigma {id: 'sigma', type: 'number', placeholder: 1, min: 0, max: 1000} truncate {id: 'truncate', type: 'number', placeholder: 4, min: 0.5, max: 20} border {id: 'mode', type: 'choose', options: ['reflect', 'nearest', 'mirror', 'wrap', 'constant'], placeholder: 'reflect'}",
             inputs: anyArray, outputs: #"{"ndarray": {"dtype": "float32"}}"#),
        Spec("threshold", "Foreground mask (uint8) above a fixed value, the mean, or Otsu's threshold.",
             ui: "Method {id: 'method', type: 'choose', options: ['otsu', 'mean', 'value'], placeholder: 'otsu'} value {id: 'value', type: 'number', placeholder: 0} foreground {id: 'foreground', type: 'number', placeholder: 1, min: 1, max: 255}",
             inputs: anyArray, outputs: #"{"ndarray": {"dtype": "uint8"}}"#),
        Spec("normalize", "Rescales so that the low and high percentiles map to 0 and 1 (float32).",
             ui: "Low percentile {id: 'low', type: 'number', placeholder: 1, min: 0, max: 100} high {id: 'high', type: 'number', placeholder: 99.8, min: 0, max: 100} clip {id: 'clip', type: 'choose', options: ['yes', 'no'], placeholder: 'yes'}",
             inputs: anyArray, outputs: #"{"ndarray": {"dtype": "float32"}}"#),
        Spec("max-projection", "Maximum along an axis.",
             ui: "Axis {id: 'axis', type: 'number', placeholder: 0, min: 0, max: 31}", inputs: anyArray, outputs: anyArray),
        Spec("mean-projection", "Mean along an axis (float32).",
             ui: "Axis {id: 'axis', type: 'number', placeholder: 0, min: 0, max: 31}", inputs: anyArray, outputs: #"{"ndarray": {"dtype": "float32"}}"#),
        Spec("crop", "A region in numpy slice syntax, e.g. '10:200, 0:128' (leading axes first).",
             ui: "Region {id: 'region', type: 'string', placeholder: ':'}", inputs: anyArray, outputs: anyArray),
        Spec("convert-dtype", "Converts to another dtype, optionally rescaling min..max to the type's range.",
             ui: "To {id: 'dtype', type: 'choose', options: ['uint8', 'uint16', 'uint32', 'int8', 'int16', 'int32', 'int64', 'uint64', 'float32', 'float64'], placeholder: 'float32'} rescale {id: 'rescale', type: 'choose', options: ['no', 'yes'], placeholder: 'no'}",
             inputs: anyArray, outputs: anyArray),
        Spec("stats", "min, max, mean and std of an array, as JSON.",
             ui: "", inputs: anyArray,
             outputs: #"{"type": "object", "required": ["min", "max", "mean", "std"], "properties": {"min": {"type": "number"}, "max": {"type": "number"}, "mean": {"type": "number"}, "std": {"type": "number"}}}"#),
    ]

    private struct Spec: Sendable {
        let name: String
        let summary: String
        let ui: String
        let inputs: String
        let outputs: String

        init(_ name: String, _ summary: String, ui: String, inputs: String, outputs: String) {
            self.name = name
            self.summary = summary
            self.ui = ui
            self.inputs = inputs
            self.outputs = outputs
        }

        var description: OpDescription {
            // The texts above are constants checked by BuiltinOpsTests; a typo is a programming error.
            let location = PluginLocation(file: "BuiltinOps.swift", field: "\(name).ui")
            let parameters = try! UIParameter.parse(ui: .string(ui), at: location)
            return OpDescription(
                name: name, summary: summary, parameters: parameters,
                inputs: try! JSONValue(jsonText: inputs), outputs: try! JSONValue(jsonText: outputs), isFunctional: true)
        }
    }
}
