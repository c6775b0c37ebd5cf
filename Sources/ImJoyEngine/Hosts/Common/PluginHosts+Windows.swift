import Foundation
import ImageIO
import ImJoySchema
import ImJoyWorkflow

extension PluginHosts {
    /// `createWindow` / `showDialog` configs become outputs of the op: a window's ndarray `data`
    /// as TIFF, everything else as JSON.
    func writeWindows(_ windows: [JSONObject], call: OpCall, directory: String) throws {
        guard !windows.isEmpty else { return }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (index, message) in windows.enumerated() {
            var window = message["window"]?.objectValue ?? [:]
            let stem = directory + "/" + OutputPaths.sanitized(call.op.id) + ".window\(index + 1)"
            if let data = window["data"], BuiltinInvoker.isNDArray(data) {
                let array = try NDArray(rpcValue: data)
                try FileOps.writeTIFF(array, to: URL(fileURLWithPath: stem + ".tif"), compression: .deflate(level: 6), imageJ: false)
                window["data"] = ["path": .string(URL(fileURLWithPath: stem + ".tif").lastPathComponent)]
            }
            window["_fn"] = message["fn"] ?? .null
            try Data(JSONValue.object(window).serialized(.prettyPrinted).utf8)
                .write(to: URL(fileURLWithPath: stem + ".json"), options: .atomic)
        }
    }
}
