import Foundation
import ImJoySchema

@testable import ImageIO

/// Temporary folders and the python3 (zarr, numcodecs, ome-zarr) cross-checks of the Zarr tests.
enum ZarrTestSupport {
    /// Whether python3 can import zarr 3, numcodecs and ome_zarr.
    static let hasZarrPython: Bool = {
        (try? python("import zarr, numcodecs, ome_zarr; assert int(zarr.__version__.split('.')[0]) >= 3").status) == 0
    }()

    /// A new empty folder; remove it with ``remove(_:)`` in a `defer`.
    static func makeFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("zarr-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func remove(_ url: URL) { try? FileManager.default.removeItem(at: url) }

    /// A deterministic uint16 array (`i * 7 % 65521`).
    static func ramp(_ shape: [Int]) throws -> NDArray {
        let count = shape.reduce(1, *)
        return try NDArray(shape: shape, elements: (0..<count).map { UInt16(truncatingIfNeeded: $0 * 7 % 65521) })
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `python3 -c script args…` and waits.
    static func python(_ script: String, _ arguments: [String] = []) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let folder = try makeFolder()
        defer { remove(folder) }
        let out = folder.appendingPathComponent("out")
        let err = folder.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    /// Runs a script that prints one JSON document; fails with its stderr otherwise.
    static func pythonJSON(_ script: String, _ arguments: [String] = []) throws -> JSONValue {
        let output = try python(script, arguments)
        guard output.status == 0 else { throw ZarrTestFailure("python failed (\(output.status)): \(output.stderr)") }
        return try JSONValue(jsonText: output.stdout)
    }
}

struct ZarrTestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
