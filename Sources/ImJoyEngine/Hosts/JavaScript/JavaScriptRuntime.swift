import Foundation
import ImJoyPlugin
import ImJoySchema

/// Options of the Node.js host of web-worker plugins.
public struct JavaScriptHostOptions: Sendable {
    /// `--node PATH`: the Node.js executable (default: `node`, then `nodejs`, on `PATH`).
    public var node: String?
    /// `--js-cache DIR`: local copies of the plugins' script URLs.
    public var cache: JavaScriptCache

    public init(node: String? = nil, cache: JavaScriptCache = JavaScriptCache()) {
        self.node = node
        self.cache = cache
    }

    /// The options of `--node PATH` and `--js-cache DIR` (`nil`: the default cache).
    public init(node: String?, cacheDirectory: String?) {
        self.init(node: node, cache: cacheDirectory.map(JavaScriptCache.init(directory:)) ?? JavaScriptCache())
    }
}

/// The ``HostRuntime/javascript`` runtime: web-worker plugins on Node.js — the executable, the
/// host program `imjoy_host.js`, and the plugin's script requirements mapped to local files.
enum JavaScriptRuntime {
    /// How to start the host of the web-worker `plugin`.
    static func launch(for plugin: Plugin, options: JavaScriptHostOptions) throws -> HostLaunch {
        let node = try executable(options.node)
        var requirements: [JSONValue] = []
        for requirement in plugin.config.requirements {
            // Stylesheets style a page a worker does not have; `cache:` entries ImJoy ignores too.
            guard case .script(let url, let kind) = requirement, kind != .stylesheet else { continue }
            requirements.append(["url": .string(url), "kind": .string(kind.rawValue)])
        }
        let pluginFile = URL(fileURLWithPath: plugin.file)
        let initFields: JSONObject = [
            "requirements": .array(requirements),
            "cache_dir": .string(options.cache.directory),
            "plugin_dir": .string(pluginFile.deletingLastPathComponent().path),
        ]
        return HostLaunch(
            runtime: .javascript, interpreter: [node], hostScript: try HostRuntime.javascript.hostProgram(),
            environment: ProcessInfo.processInfo.environment, initFields: initFields)
    }

    /// `chosen` (`--node`) or the first of `node`, `nodejs` on `PATH`, as an absolute path.
    static func executable(_ chosen: String?) throws(JavaScriptHostError) -> String {
        if let chosen {
            let path = chosen.contains("/") ? chosen : Subprocess.which(chosen)
            guard let path, access(path, X_OK) == 0 else { throw .nodeMissing("--node \(chosen) is not an executable") }
            return path
        }
        guard let found = Subprocess.which("node") ?? Subprocess.which("nodejs") else {
            throw .nodeMissing("Node.js (node) is not on PATH; install Debian's nodejs or give --node PATH")
        }
        return found
    }
}
