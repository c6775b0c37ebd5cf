import Foundation
import ImJoySchema
import ImageIO
import TestSupport
import Testing

/// Arrays and values computed by numpy/scipy in a Python subprocess (Tests/Fixtures/python/kernel_ref.py).
struct PythonReference {
    let directory: URL
    let meta: JSONObject

    struct Failure: Error, CustomStringConvertible { var description: String }

    /// Runs `body` (Python, after `from kernel_ref import *`) with `inputs` available to `load(name)`;
    /// `arguments` follow the directory (`sys.argv[2...]`).
    /// The directory is kept for the caller to put more files in (`directory`).
    init(_ body: String, inputs: [String: NDArray] = [:], directory: URL? = nil, arguments: [String] = []) throws {
        let directory = try directory ?? Fixtures.temporaryDirectory("kernel-ref")
        self.directory = directory
        var inputMeta = JSONObject()
        for (name, array) in inputs {
            try array.withUnsafeBytes { Data($0) }.write(to: directory.appendingPathComponent("\(name).bin"))
            inputMeta[name] = ["shape": .array(array.shape.map { .integer(Int64($0)) }), "dtype": .string(array.dtype.rawValue)]
        }
        try JSONValue.object(inputMeta).serialized().write(
            to: directory.appendingPathComponent("in.json"), atomically: true, encoding: .utf8)
        let prelude = "import sys; sys.path.insert(0, \(Self.quoted(Fixtures.url("python").path))); from kernel_ref import *\n"
        let result = try CommandRunner.python(prelude + body, [directory.path] + arguments)
        guard result.status == 0 else { throw Failure(description: "python failed (\(result.status)): \(result.standardError)") }
        let text = try String(contentsOf: directory.appendingPathComponent("meta.json"), encoding: .utf8)
        meta = try JSONValue(jsonText: text).objectValue ?? [:]
    }

    static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    /// The array saved as `name`.
    func array(_ name: String) throws -> NDArray {
        guard let entry = meta[name], let dtypeName = entry["dtype"]?.stringValue, let dtype = DType(rawValue: dtypeName),
            let shape = entry["shape"]?.arrayValue?.compactMap(\.intValue)
        else { throw Failure(description: "no array '\(name)' in the reference") }
        let data = try Data(contentsOf: directory.appendingPathComponent("\(name).bin"))
        return try data.withUnsafeBytes { try NDArray(shape: shape, dtype: dtype, copying: $0) }
    }

    /// The value saved as `name`.
    func value(_ name: String) throws -> JSONValue {
        guard let value = meta[name]?["value"] else { throw Failure(description: "no value '\(name)' in the reference") }
        return value
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// The largest absolute difference between two arrays of equal shape (as float64).
func maxAbsDifference(_ a: NDArray, _ b: NDArray) throws -> Double {
    #expect(a.shape == b.shape, "shapes differ: \(a.shape) vs \(b.shape)")
    let x = try a.converted(to: .float64).elements(as: Double.self)
    let y = try b.converted(to: .float64).elements(as: Double.self)
    var worst = 0.0
    for (p, q) in zip(x, y) {
        if p.isNaN && q.isNaN { continue }
        if p == q { continue }
        worst = max(worst, abs(p - q).isNaN ? .infinity : abs(p - q))
    }
    return worst
}

/// The largest absolute value of an array (as float64).
func maxAbs(_ a: NDArray) throws -> Double {
    try a.converted(to: .float64).elements(as: Double.self).reduce(0) { max($0, abs($1)) }
}
