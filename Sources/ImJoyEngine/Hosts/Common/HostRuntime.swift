import Foundation
import ImJoyPlugin

/// A program that runs plugins in a host process: CPython with `imjoy_host.py`, or Node.js with
/// `imjoy_host.js`. Both speak the same frames (``HostFrame``); this is what differs.
///
/// Adding a runtime (docs/ARCHITECTURE.md, "Add a plugin runtime"): a case here, its launch
/// (``HostLaunch``, built in `PluginHosts+Launch.swift`) and its host program in `Resources/`.
public enum HostRuntime: String, Sendable, CaseIterable {
    case python
    case javascript

    /// The runtime of a plugin type, or `nil` when imjoy-run has no host for it.
    public init?(serving type: PluginType) {
        switch type {
        case .nativePython, .webPython: self = .python
        case .webWorker: self = .javascript
        default: return nil
        }
    }

    /// How errors and logs name the runtime's plugins ("Python plugin X", "JavaScript plugin X").
    public var displayName: String {
        switch self {
        case .python: "Python"
        case .javascript: "JavaScript"
        }
    }

    /// The host program's file name in `Resources/`.
    public var hostProgramName: String {
        switch self {
        case .python: "imjoy_host.py"
        case .javascript: "imjoy_host.js"
        }
    }

    /// Arguments between the interpreter and the host program (`-u`: unbuffered Python).
    var interpreterArguments: [String] {
        switch self {
        case .python: ["-u"]
        case .javascript: []
        }
    }

    /// How the host names its `/dev/shm` segments (then its pid).
    var hostSegmentPrefix: String {
        switch self {
        case .python: "imjoy-run-py-"
        case .javascript: "imjoy-run-js-"
        }
    }

    /// Whether the host executes `script` (`<script lang="python">` or `lang="javascript"`).
    func runs(_ script: PluginScript) -> Bool {
        let lang = script.lang.lowercased()
        switch self {
        case .python: return lang.hasPrefix("python")
        case .javascript: return lang == "javascript" || lang == "js"
        }
    }

    /// The path of the host program: beside the executable, in its resource bundle, or in the
    /// package's build resources.
    public func hostProgram() throws(PluginHostError) -> String {
        try Self.locateHostProgram(hostProgramName, runtime: self)
    }

    static func locateHostProgram(_ name: String, runtime: HostRuntime?) throws(PluginHostError) -> String {
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
        throw PluginHostError(.start("the host program \(name) is missing (looked beside \(executable.path))"), runtime: runtime)
    }
}
