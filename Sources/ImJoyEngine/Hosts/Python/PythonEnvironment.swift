import Foundation
import ImJoyPlugin

#if canImport(Glibc)
    import Glibc
#endif

/// An environment prepared for one (plugin, tag, requirements, interpreter), under a cache folder.
///
/// `imjoy-run env PLUGIN` creates it; `imjoy-run run` uses it when it is ready and never
/// installs anything itself. Two kinds (docs/plugin-hosts.md, "Environments"):
/// - with conda, mamba or micromamba on PATH and a plugin that names conda (an `env` conda
///   command or `conda:` requirements): a conda prefix environment (`TOOL create -p DIR`);
/// - else a venv of the chosen interpreter (`python -m venv --system-site-packages`).
///
/// The folder name carries a hash of the name, tag, requirements, `env` commands and the
/// interpreter's real path and version (or the conda tool), so another interpreter gets
/// another environment.
public struct PythonEnvironment: Sendable {
    public let plugin: Plugin
    public let cacheRoot: String
    /// The interpreter the venv is made from (`nil` for a conda environment).
    public let base: PythonInterpreter.Found?
    /// The tool that builds a conda environment (`nil`: a venv).
    public let conda: CondaTool?

    public init(
        plugin: Plugin, cacheRoot: String = PythonEnvironment.defaultCacheRoot(), base: PythonInterpreter.Found?, conda: CondaTool? = nil
    ) {
        self.plugin = plugin
        self.cacheRoot = cacheRoot
        self.base = base
        self.conda = conda.flatMap { Self.namesConda(plugin) ? $0 : nil }
    }

    /// `$XDG_CACHE_HOME/imjoy-run/envs`, else `~/.cache/imjoy-run/envs`.
    public static func defaultCacheRoot(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return xdg + "/imjoy-run/envs" }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.cache/imjoy-run/envs"
    }

    /// Whether the plugin names conda: a conda command in `env` or `conda:` requirements.
    static func namesConda(_ plugin: Plugin) -> Bool {
        plugin.config.environment.contains { if case .command(let command) = $0 { CondaTool.isCondaCommand(command) } else { false } }
            || plugin.config.requirements.contains { if case .conda = $0 { true } else { false } }
    }

    /// A stable key of what the environment holds: name, tag, requirements, env commands and
    /// the interpreter (real path and version) or conda tool.
    public var key: String {
        var text = plugin.config.name + "\n" + (plugin.config.tag ?? "") + "\n"
        text += plugin.config.requirements.map(\.description).joined(separator: "\n") + "\n"
        for entry in plugin.config.environment {
            if case .command(let command) = entry { text += command + "\n" }
        }
        if let conda { text += "conda " + conda.name + "\n" } else if let base { text += "python " + base.path + " " + base.version + "\n" }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }

    /// `<cache>/<name>[-<tag>]-<key>`.
    public var directory: String {
        let tag = plugin.config.tag.map { "-" + OutputPaths.sanitized($0) } ?? ""
        return cacheRoot + "/" + OutputPaths.sanitized(plugin.config.name) + tag + "-" + key
    }

    /// The environment's interpreter.
    public var python: String { directory + "/bin/python" }

    var marker: String { directory + "/.imjoy-run-ready" }

    /// Whether `imjoy-run env` finished preparing it.
    public var isReady: Bool {
        FileManager.default.fileExists(atPath: marker) && access(python, X_OK) == 0
    }
}
