import Foundation

/// A local server for remote-input tests: a Python script from Tests/Fixtures/python that prints
/// its port on its first line of output (`range_server.py`: static files with HTTP Range,
/// optional failures; `s3_server.py`: moto's S3 server with a filled bucket). The process is
/// killed by ``stop()`` or when the last reference goes away, so no server outlives its test.
public final class TestServer: Sendable {
    private let process: Process
    /// The port on 127.0.0.1.
    public let port: Int
    /// What the first line held after the port (`s3_server.py`: the access key id and secret).
    public let details: [String]

    /// `http://127.0.0.1:PORT`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts `python3 Tests/Fixtures/python/<script> arguments…` and waits (at most `timeout`
    /// seconds) for its port.
    public init(script: String, _ arguments: [String], timeout: Double = 60) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Fixtures.url("python/\(script)").path] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        let line = Self.firstLine(of: output.fileHandleForReading, timeout: timeout)
        let words = (line ?? "").split(separator: " ").map(String.init)
        guard let first = words.first, let port = Int(first) else {
            process.terminate()
            process.waitUntilExit()
            throw TestServerError(message: "\(script) did not print a port within \(timeout) s (got \(line ?? "nothing"))")
        }
        self.port = port
        details = Array(words.dropFirst())
    }

    /// Kills the server and waits for it.
    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }

    /// The first line `handle` gives within `timeout` seconds.
    private static func firstLine(of handle: FileHandle, timeout: Double) -> String? {
        let result = LineBox()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            var bytes = Data()
            while let byte = try? handle.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) { bytes.append(byte) }
            result.set(String(decoding: bytes, as: UTF8.self))
            done.signal()
        }
        guard done.wait(timeout: .now() + timeout) == .success else { return nil }
        return result.get()
    }
}

private final class LineBox: @unchecked Sendable {
    private let lock = NSLock()
    private var line: String?
    func set(_ value: String) { lock.withLock { line = value } }
    func get() -> String? { lock.withLock { line } }
}

public struct TestServerError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// What the machine offers remote-input tests.
public enum RemoteTestConditions {
    /// moto (with its server's Flask) and boto3, for the S3 tests.
    public static let hasMoto: Bool = (try? CommandRunner.python("import moto.server, boto3, flask, flask_cors"))?.status == 0
    /// numpy, h5py and tifffile, for writing the test files.
    public static let hasPythonIO: Bool = (try? CommandRunner.python("import numpy, h5py, tifffile"))?.status == 0
}
