import Foundation
import ImJoySchema
import ImJoyWorkflow
import ImageIO

extension PluginHosts {
    /// The name of the index, in an item's folder, of the display outputs (window captures and
    /// `exportFile` files) written by plugin calls: `[{"path", "op"}]`, read by ``RunManifest``.
    static let displayIndexName = ".imjoy-run-displays.json"

    /// `createWindow` / `showDialog` windows become outputs of the op, each with its latest data
    /// (the last `win.run` / `setData` / `updateWindow` / method call): an ndarray `data` as
    /// TIFF beside the window's JSON, everything else in the JSON. `exportFile` files are listed
    /// as they are. All go into the item's display index, so that the manifest lists them.
    func writeWindows(_ windows: [(kind: String, config: JSONObject)], call: OpCall, directory: String) throws {
        guard !windows.isEmpty else { return }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var written: [String] = []
        var number = 0
        for (kind, config) in windows {
            if kind == "exportFile" {
                if let path = config["path"]?.stringValue { written.append(path) }
                continue
            }
            number += 1
            var window = config
            let stem = directory + "/" + OutputPaths.sanitized(call.op.id) + ".window\(number)"
            if let data = window["data"], BuiltinInvoker.isNDArray(data) {
                let array = try NDArray(rpcValue: data)
                try FileOps.writeTIFF(array, to: URL(fileURLWithPath: stem + ".tif"), compression: .deflate(level: 6), imageJ: false)
                window["data"] = ["path": .string(URL(fileURLWithPath: stem + ".tif").lastPathComponent)]
                written.append(stem + ".tif")
            }
            window["_fn"] = .string(kind)
            try Data(JSONValue.object(window).serialized(.prettyPrinted).utf8)
                .write(to: URL(fileURLWithPath: stem + ".json"), options: .atomic)
            written.append(stem + ".json")
        }
        try Self.addToDisplayIndex(written, op: call.op.id, directory: directory)
    }

    /// Adds `paths` (written by `op`) to the display index of the item folder `directory`.
    static func addToDisplayIndex(_ paths: [String], op: String, directory: String) throws {
        guard !paths.isEmpty else { return }
        let url = URL(fileURLWithPath: directory + "/" + displayIndexName)
        var entries =
            (try? Data(contentsOf: url)).flatMap { try? JSONValue(jsonText: String(decoding: $0, as: UTF8.self)).arrayValue } ?? []
        for path in paths {
            let name = path.hasPrefix(directory + "/") ? String(path.dropFirst(directory.count + 1)) : path
            entries.removeAll { $0["path"]?.stringValue == name }
            entries.append(["path": .string(name), "op": .string(op)])
        }
        try Data(JSONValue.array(entries).serialized(.prettyPrinted).utf8).write(to: url, options: .atomic)
    }
}
