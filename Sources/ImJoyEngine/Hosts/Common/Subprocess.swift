import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a command to completion: the one way imjoy-run runs short commands (sbatch, scontrol,
/// environment set-up steps, interpreter probes).
///
/// Standard output and standard error are drained together (stderr on a thread of its own), so a
/// command that fills one pipe while imjoy-run waits on the other cannot deadlock.
public struct Subprocess: Sendable {
    /// Where the command's output goes.
    public enum Output: Sendable {
        /// Read into ``Result/standardOutput`` and ``Result/standardError``.
        case capture
        /// Straight to imjoy-run's own stdout and stderr (progress a person watches).
        case inherit
        /// Thrown away.
        case discard
    }

    /// What a finished command gave.
    public struct Result: Sendable {
        /// The exit status (128 + n when killed by signal n).
        public var status: Int32
        public var standardOutput: Data
        public var standardError: Data

        public var succeeded: Bool { status == 0 }
        /// Standard output as text, without the trailing newline.
        public var outputText: String {
            String(decoding: standardOutput, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        /// Standard error as text, without the trailing newline.
        public var errorText: String {
            String(decoding: standardError, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// Why a command could not run at all (a failing command is a ``Result``, not an error).
    public struct LaunchError: Error, CustomStringConvertible, Sendable {
        public var command: String
        public var reason: String
        public var description: String { "cannot run \(command): \(reason)" }
    }

    /// The program (an absolute path, or a name looked up on `PATH`) and its arguments.
    public var arguments: [String]
    /// The environment (`nil`: imjoy-run's own).
    public var environment: [String: String]?
    /// The working directory (`nil`: imjoy-run's own).
    public var directory: String?
    public var output: Output

    public init(_ arguments: [String], environment: [String: String]? = nil, directory: String? = nil, output: Output = .capture) {
        self.arguments = arguments
        self.environment = environment
        self.directory = directory
        self.output = output
    }

    /// Runs the command with stdin from /dev/null and waits for it.
    public func run() throws(LaunchError) -> Result {
        guard let name = arguments.first else { throw LaunchError(command: "(nothing)", reason: "no program given") }
        guard let executable = name.contains("/") ? name : Self.which(name, path: environment?["PATH"]) else {
            throw LaunchError(command: name, reason: "\(name) is not on PATH")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(arguments.dropFirst())
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardInput = FileHandle.nullDevice
        let pipes = output == .capture ? (Pipe(), Pipe()) : nil
        switch output {
        case .capture:
            process.standardOutput = pipes?.0
            process.standardError = pipes?.1
        case .inherit:
            break
        case .discard:
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
        }
        do { try process.run() } catch { throw LaunchError(command: name, reason: "\(error.localizedDescription)") }
        var result = Result(status: 0, standardOutput: Data(), standardError: Data())
        if let (stdout, stderr) = pipes {
            let errorData = Box()
            let group = DispatchGroup()
            DispatchQueue.global().async(group: group) { errorData.data = stderr.fileHandleForReading.readDataToEndOfFile() }
            result.standardOutput = stdout.fileHandleForReading.readDataToEndOfFile()
            group.wait()
            result.standardError = errorData.data
        }
        process.waitUntilExit()
        result.status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return result
    }

    /// The first executable `name` on `path` (default: `PATH`).
    public static func which(_ name: String, path: String? = nil) -> String? {
        let search = path ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in search.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}

/// Stderr's bytes, written by the reading thread before `group.wait()` returns.
// @unchecked: one thread writes `data`, the other reads it only after `group.wait()` (a barrier).
private final class Box: @unchecked Sendable {
    var data = Data()
}
