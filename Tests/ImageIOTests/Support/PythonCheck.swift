import Foundation
import ImJoySchema
import TestSupport
import Testing

@testable import ImageIO

/// Runs Tests/Fixtures/python/imageio_check.py (numpy, tifffile, h5py) as an independent reader
/// and writer.
enum PythonCheck {
    /// Whether python3 with numpy, tifffile, h5py and imagecodecs is available (tests that need it
    /// take ``required``, so they are reported as skipped when it is not).
    static let isAvailable: Bool = {
        let result = try? run(["-c", "import numpy, tifffile, h5py, imagecodecs"])
        return result?.status == 0
    }()

    /// The trait for tests that need the Python cross-check: `@Test(PythonCheck.required)`
    /// skips the test (with the reason) when the packages are missing, instead of returning green.
    static var required: ConditionTrait {
        .enabled(
            if: isAvailable,
            "python3 with numpy, tifffile, h5py and imagecodecs is not available (pip install numpy tifffile h5py imagecodecs)")
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `python3 arguments…` and waits.
    static func run(_ arguments: [String]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Drain stderr on another thread so neither pipe fills up.
        let errData = UncheckedBox<Data>()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { errData.value = err.fileHandleForReading.readDataToEndOfFile() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData.value ?? Data(), as: UTF8.self))
    }

    /// Runs one imageio_check.py command and parses its JSON output.
    static func command(_ arguments: [String]) throws -> JSONValue {
        let script = Fixtures.url("python/imageio_check.py").path
        let output = try run([script] + arguments)
        guard output.status == 0 else {
            throw CheckFailure("python \(arguments.first ?? "") failed (\(output.status)): \(output.stderr)")
        }
        return try JSONValue(jsonText: output.stdout)
    }

    /// Reads `url` with tifffile; returns the facts and the array's raw bytes.
    static func readTIFF(_ url: URL) throws -> (facts: JSONValue, bytes: [UInt8]) {
        let raw = url.appendingPathExtension("raw")
        let facts = try command(["read-tiff", url.path, raw.path])
        return (facts, try [UInt8](Data(contentsOf: raw)))
    }

    /// Reads one dataset with h5py; returns the facts and the array's raw bytes.
    static func readHDF5(_ url: URL, dataset: String) throws -> (facts: JSONValue, bytes: [UInt8]) {
        let raw = url.appendingPathExtension("raw")
        let facts = try command(["read-h5", url.path, dataset, raw.path])
        return (facts, try [UInt8](Data(contentsOf: raw)))
    }

    /// Writes a file with tifffile (`write-tiff`) or h5py (`write-h5`) from `spec`; returns the
    /// expected array.
    static func write(_ kind: String, to url: URL, spec: String) throws -> NDArray {
        let raw = url.appendingPathExtension("raw")
        let facts = try command([kind, url.path, raw.path, spec])
        let shape = facts["shape"]?.arrayValue?.compactMap(\.intValue) ?? []
        let dtype = try #require(DType(rawValue: facts["dtype"]?.stringValue ?? ""))
        let bytes = try Data(contentsOf: raw)
        return try bytes.withUnsafeBytes { try NDArray(shape: shape, dtype: dtype, copying: $0) }
    }
}

/// A failed cross-check step.
struct CheckFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A mutable box handed between threads in tests (written once before `wait`).
final class UncheckedBox<T>: @unchecked Sendable {
    var value: T?
}

/// A deterministic test array: a ramp with pseudo-random noise, every value of the dtype's range possible.
func makeTestArray(shape: [Int], dtype: DType, seed: UInt64 = 1) throws -> NDArray {
    var array = try NDArray(zeros: shape, dtype: dtype)
    var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    array.withUnsafeMutableBytes { raw in
        let bytes = raw.bindMemory(to: UInt8.self)
        for i in bytes.indices {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            bytes[i] = (i % 5 == 0) ? UInt8(truncatingIfNeeded: state) : UInt8(truncatingIfNeeded: i / 7)
        }
    }
    if dtype.isFloatingPoint {
        // Avoid signalling-NaN bit patterns that converters might quieten: overwrite with finite values.
        for i in 0..<array.count { array[flat: i] = .real(Double(i % 1000) * 0.25 - 100) }
        if array.count > 2 {
            array[flat: 1] = .real(.infinity)
            array[flat: 2] = .real(-0.0)
        }
    }
    if dtype == .bool {
        for i in 0..<array.count { array[flat: i] = .unsigned(UInt64(i % 3 == 0 ? 1 : 0)) }
    }
    return array
}
