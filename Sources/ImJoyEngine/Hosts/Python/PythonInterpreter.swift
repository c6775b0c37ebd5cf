import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Finds Python interpreters.
public enum PythonInterpreter {
    private static let resolved = Mutex<[String: String]>([:])
    /// ``probe(_:)`` results by path (an interpreter does not change during a run).
    static let probed = Mutex<[String: Found]>([:])

    /// `command` (a plugin's `cmd`, `--python`, or a venv's python) as an absolute interpreter
    /// path followed by `cmd`'s extra arguments.
    ///
    /// A bare name is looked up on `PATH`; the result is asked for `sys.executable` once, so a
    /// pyenv shim (100–250 ms per start) is replaced by the real interpreter.
    public static func resolve(_ command: String) throws(PluginHostError) -> [String] {
        let words = command.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let first = words.first else { throw PluginHostError(.start("empty Python command"), runtime: .python) }
        if let known = resolved.withLock({ $0[first] }) { return [known] + words.dropFirst() }
        guard let path = first.contains("/") ? first : search(first) else {
            throw PluginHostError(.start("\(first) is not on PATH; give the interpreter with --python PATH"), runtime: .python)
        }
        let real = executable(of: path) ?? path
        resolved.withLock { $0[first] = real }
        return [real] + words.dropFirst()
    }

    /// The first executable `name` on `PATH`.
    public static func search(_ name: String, path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        Subprocess.which(name, path: path)
    }

    /// `sys.executable` of the interpreter at `path`, or `nil` when it does not run.
    static func executable(of path: String) -> String? {
        let probe = Subprocess([path, "-c", "import sys; print(sys.executable)"])
        guard let result = try? probe.run(), result.succeeded else { return nil }
        let text = result.outputText
        return text.hasPrefix("/") ? text : nil
    }
}
