import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Finds Python interpreters and the host program.
public enum PythonInterpreter {
    private static let cache = ResolvedCache()

    /// `command` (a plugin's `cmd`, `--python`, or a venv's python) as an absolute interpreter
    /// path followed by `cmd`'s extra arguments.
    ///
    /// A bare name is looked up on `PATH`; the result is asked for `sys.executable` once, so a
    /// pyenv shim (100–250 ms per start) is replaced by the real interpreter.
    public static func resolve(_ command: String) throws -> [String] {
        let words = command.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let first = words.first else { throw PluginHostError.start("empty Python command") }
        if let known = cache.get(first) { return [known] + words.dropFirst() }
        guard let path = first.contains("/") ? first : search(first) else {
            throw PluginHostError.start("\(first) is not on PATH; give the interpreter with --python PATH")
        }
        let real = executable(of: path) ?? path
        cache.set(first, real)
        return [real] + words.dropFirst()
    }

    /// The first executable `name` on `PATH`.
    public static func search(_ name: String, path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        for folder in (path ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// `sys.executable` of the interpreter at `path`, or `nil` when it does not run.
    static func executable(of path: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-c", "import sys; print(sys.executable)"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.hasPrefix("/") ? text : nil
    }

    /// A host program (`imjoy_host.py`, or the Node.js host `imjoy_host.js`): beside the
    /// executable, in its resource bundle, or in the package's build resources.
    public static func hostScript(_ name: String = "imjoy_host.py") throws -> String {
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        let folder = executable.deletingLastPathComponent().path
        let candidates = [
            folder + "/" + name,
            folder + "/imjoy-run_ImJoyEngine.resources/" + name,
            folder + "/../share/imjoy-run/" + name,
        ]
        for candidate in candidates where FileManager.default.fileExists(atPath: candidate) { return candidate }
        let file = name as NSString
        if let path = Bundle.module.path(forResource: file.deletingPathExtension, ofType: file.pathExtension) { return path }
        throw PluginHostError.start("the host program \(name) is missing (looked beside \(executable.path))")
    }
}

private final class ResolvedCache: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: String] = [:]

    func get(_ key: String) -> String? {
        lock.lock()
        defer { lock.unlock() }
        return values[key]
    }

    func set(_ key: String, _ value: String) {
        lock.lock()
        values[key] = value
        lock.unlock()
    }
}
