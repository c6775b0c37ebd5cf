import ImJoyPlugin
import ImJoySchema
import Synchronization

/// The built-in ops: native Swift, all functional. Each is declared once
/// (``BuiltinOpDeclaration``: parameters with defaults and limits, `inputs`/`outputs` schemas,
/// cache use); its `ui` and catalog entry are made from that declaration, so workflows validate
/// built-in ops like plugin ops, `imjoy-run ops` lists them, and the kernels in ImJoyEngine read
/// their config through the same declaration. docs/builtin-ops.md's table is checked against it.
public enum BuiltinOps {
    /// The descriptions, by name, in catalog order.
    public static let all: [OpDescription] = declarations.map(\.description)

    /// The built-in ops' names, in catalog order.
    public static let names: [String] = declarations.map(\.name)

    /// The declaration of built-in op `name`, or `nil`.
    public static func declaration(_ name: String) -> BuiltinOpDeclaration? {
        declarations.first { $0.name == name }
    }

    /// The description of built-in op `name` (parsed on first use: a run needs only its own ops',
    /// and parsing every op's `ui` cost a few milliseconds of each run's start-up).
    public static func description(_ name: String) -> OpDescription? {
        parsed.withLock { cache in
            if let known = cache[name] { return known }
            guard let declaration = declaration(name) else { return nil }
            let description = declaration.description
            cache[name] = description
            return description
        }
    }

    private static let parsed = Mutex<[String: OpDescription]>([:])

    private static let anyArray = #"{"ndarray": {}}"#
    private static let fileOutput = #"{"type": "object", "required": ["path"], "properties": {"path": {"type": "string"}}}"#
    private static let statistic = #"{"type": ["number", "null"]}"#

    /// The compressions `write-tiff` and `write-hdf5` offer. Their `level` parameters declare the
    /// default compression's default level (TIFF deflate 6, HDF5 gzip 4; it is in every merged
    /// config and so in provenance and cache keys) and the widest range among the compressions;
    /// ImageIO's format registry checks each compression's own range. A test keeps these equal
    /// to ImageIO's `CompressionChoice`s.
    public static let tiffCompressions = ["deflate", "none", "lzw", "zstd"]
    public static let hdf5Compressions = ["gzip", "none"]
    /// The chunk compressors `write-zarr` offers (ImageIO's `ZarrCompressor(name:level:)`): Blosc
    /// with LZ4 (numcodecs' default), Blosc with another inner codec, zstd, none.
    public static let zarrCompressors = ["blosc", "blosc-zstd", "blosc-lz4hc", "blosc-zlib", "blosc-blosclz", "zstd", "none"]

    /// Every built-in op, in catalog order.
    public static let declarations: [BuiltinOpDeclaration] = [
        BuiltinOpDeclaration(
            "read-tiff", "Reads a TIFF file (a page or a stack of equal pages) into an array.",
            inputs: #"{"file": {"ext": [".tif", ".tiff", ".TIF", ".TIFF"]}}"#, outputs: anyArray, cacheUse: .readsFile),
        BuiltinOpDeclaration(
            "read-hdf5", "Reads a dataset of an HDF5 file into an array.",
            parameters: [BuiltinParameter("dataset", "Dataset", .string(default: "data"))],
            inputs: #"{"file": {"ext": [".h5", ".hdf5", ".he5", ".H5"]}}"#, outputs: anyArray, cacheUse: .readsFile),
        BuiltinOpDeclaration(
            "read-zarr",
            "Reads an OME-Zarr image (NGFF 0.4/Zarr v2, 0.5/Zarr v3) into an array: the store's root image, or `image` of a collection.",
            parameters: [
                BuiltinParameter("image", "Image", .string(default: "")),
                BuiltinParameter("level", "level", .number(default: 0, range: 0...15, integer: true)),
            ],
            inputs: #"{"file": {"ext": [".zarr", ".ZARR"]}}"#, outputs: anyArray, cacheUse: .readsFile),
        BuiltinOpDeclaration(
            "write-tiff", "Writes an array as TIFF (OME-TIFF for .ome.tif) in the out dir; strips or tiles, SubIFD levels; returns {path}.",
            parameters: [
                BuiltinParameter("path", "Path", .string(default: "{item}/{op}.tif")),
                BuiltinParameter("compression", "compression", .choice(options: tiffCompressions, default: "deflate")),
                BuiltinParameter("level", "level", .number(default: 6, range: 1...22, integer: true)),
                BuiltinParameter("imagej", "ImageJ metadata", .yesNo(default: false)),
                BuiltinParameter("bigtiff", "BigTIFF", .choice(options: ["auto", "yes", "no"], default: "auto")),
                BuiltinParameter("tile", "tile size", .number(default: 0, range: 0...65_536, integer: true)),
                BuiltinParameter("levels", "sub-resolution levels", .number(default: 0, range: 0...16, integer: true)),
            ],
            inputs: anyArray, outputs: fileOutput, cacheUse: .writesFiles),
        BuiltinOpDeclaration(
            "write-hdf5", "Writes an array as a dataset of an HDF5 file in the out dir; returns {path}.",
            parameters: [
                BuiltinParameter("path", "Path", .string(default: "{item}.h5")),
                BuiltinParameter("dataset", "dataset", .string(default: "{op}")),
                BuiltinParameter("compression", "compression", .choice(options: hdf5Compressions, default: "gzip")),
                BuiltinParameter("level", "level", .number(default: 4, range: 1...9, integer: true)),
            ],
            inputs: anyArray, outputs: fileOutput, cacheUse: .writesFiles),
        BuiltinOpDeclaration(
            "write-zarr",
            "Writes an array as an OME-Zarr image in the out dir (a store per item, or one collection store for all items); returns {path}.",
            parameters: [
                BuiltinParameter("path", "Path", .string(default: "{item}/{op}.ome.zarr")),
                BuiltinParameter("version", "NGFF version", .choice(options: ["0.4", "0.5"], default: "0.4")),
                BuiltinParameter("compressor", "compressor", .choice(options: zarrCompressors, default: "blosc")),
                BuiltinParameter("level", "level", .number(default: nil, range: 0...22, integer: true)),
                BuiltinParameter("chunks", "chunk shape", .string(default: "auto")),
                BuiltinParameter("levels", "pyramid levels", .number(default: 0, range: 0...10, integer: true)),
            ],
            inputs: anyArray, outputs: fileOutput, cacheUse: .writesFiles),
        BuiltinOpDeclaration(
            "gaussian", "Gaussian smoothing over every axis (separable, float32), like scipy.ndimage.gaussian_filter.",
            parameters: [
                BuiltinParameter("sigma", "Sigma", .numbers(default: 1, range: 0...1000)),
                BuiltinParameter("truncate", "truncate", .number(default: 4, range: 0.5...20, integer: false)),
                BuiltinParameter(
                    "mode", "border", .choice(options: ["reflect", "nearest", "mirror", "wrap", "constant"], default: "reflect")),
            ],
            inputs: anyArray, outputs: #"{"ndarray": {"dtype": "float32"}}"#),
        BuiltinOpDeclaration(
            "threshold", "Foreground mask (uint8) above a fixed value, the mean, or Otsu's threshold.",
            parameters: [
                BuiltinParameter("method", "Method", .choice(options: ["otsu", "mean", "value"], default: "otsu")),
                BuiltinParameter("value", "value", .number(default: 0, range: nil, integer: false)),
                BuiltinParameter("foreground", "foreground", .number(default: 1, range: 1...255, integer: true)),
            ],
            inputs: anyArray, outputs: #"{"ndarray": {"dtype": "uint8"}}"#),
        BuiltinOpDeclaration(
            "normalize", "Rescales so that the low and high percentiles map to 0 and 1 (float32).",
            parameters: [
                BuiltinParameter("low", "Low percentile", .number(default: 1, range: 0...100, integer: false)),
                BuiltinParameter("high", "high", .number(default: 99.8, range: 0...100, integer: false)),
                BuiltinParameter("clip", "clip", .yesNo(default: true)),
            ],
            inputs: anyArray, outputs: #"{"ndarray": {"dtype": "float32"}}"#),
        BuiltinOpDeclaration(
            "max-projection", "Maximum along an axis.",
            parameters: [BuiltinParameter("axis", "Axis", .number(default: 0, range: 0...31, integer: true))],
            inputs: anyArray, outputs: anyArray),
        BuiltinOpDeclaration(
            "mean-projection", "Mean along an axis (float32).",
            parameters: [BuiltinParameter("axis", "Axis", .number(default: 0, range: 0...31, integer: true))],
            inputs: anyArray, outputs: #"{"ndarray": {"dtype": "float32"}}"#),
        BuiltinOpDeclaration(
            "crop", "A region in numpy slice syntax, e.g. '10:200, 0:128' (leading axes first).",
            parameters: [BuiltinParameter("region", "Region", .string(default: ":"))],
            inputs: anyArray, outputs: anyArray),
        BuiltinOpDeclaration(
            "convert-dtype", "Converts to another dtype, optionally rescaling min..max to the type's range.",
            parameters: [
                BuiltinParameter(
                    "dtype", "To",
                    .choice(
                        options: ["uint8", "uint16", "uint32", "int8", "int16", "int32", "int64", "uint64", "float32", "float64"],
                        default: "float32")),
                BuiltinParameter("rescale", "rescale", .yesNo(default: false)),
            ],
            inputs: anyArray, outputs: anyArray),
        BuiltinOpDeclaration(
            "stats", "min, max, mean and std of an array, as JSON (null when undefined: an empty array, NaN).",
            inputs: anyArray,
            outputs:
                #"{"type": "object", "required": ["min", "max", "mean", "std"], "properties": {"min": \#(statistic), "max": \#(statistic), "mean": \#(statistic), "std": \#(statistic)}}"#
        ),
    ]
}
