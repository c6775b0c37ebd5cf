import Foundation

/// The outcome of running a command-line program in a test.
public struct CommandResult: Sendable {
    public var status: Int32
    public var standardOutput: String
    public var standardError: String
}

/// Runs programs for end-to-end tests, draining both pipes so large outputs cannot deadlock.
public enum CommandRunner {
    /// Runs the built `imjoy-run` with `arguments` in `directory` (default: the package root).
    public static func imjoyRun(_ arguments: [String], in directory: URL? = nil, environment: [String: String]? = nil) throws
        -> CommandResult
    {
        try run(Fixtures.imjoyRunExecutable, arguments, in: directory ?? Fixtures.packageRoot, environment: environment)
    }

    /// Runs `python3 -c script` with `arguments`.
    public static func python(_ script: String, _ arguments: [String] = [], in directory: URL? = nil) throws -> CommandResult {
        try run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script] + arguments, in: directory ?? Fixtures.packageRoot)
    }

    /// Runs `executable` with `arguments` and waits for it.
    public static func run(_ executable: URL, _ arguments: [String], in directory: URL, environment: [String: String]? = nil) throws
        -> CommandResult
    {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let group = DispatchGroup()
        nonisolated(unsafe) var errorData = Data()
        group.enter()
        DispatchQueue.global().async {
            errorData = error.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return CommandResult(
            status: process.terminationStatus,
            standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: String(decoding: errorData, as: UTF8.self))
    }
}
