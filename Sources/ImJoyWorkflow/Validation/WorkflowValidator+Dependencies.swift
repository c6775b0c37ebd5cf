import ImJoyPlugin
import OrderedCollections

extension WorkflowValidator {
    /// The plugins that `plugins` depend on (their `dependencies`, and theirs in turn), loaded
    /// and keyed by plugin name; plugins the workflow already names are not repeated.
    ///
    /// A dependency that does not resolve (offline: beside the plugin, in its repository's
    /// manifest, on `--plugins` / `IMJOY_PLUGIN_PATH`) or does not parse is an error at
    /// `plugins.<alias>` naming the dependency, as ImJoy fails to load such a plugin.
    func loadDependencies(
        of plugins: OrderedDictionary<String, Plugin>, workflow: Workflow
    ) -> (dependencies: OrderedDictionary<String, Plugin>, errors: [WorkflowError]) {
        var loaded = OrderedDictionary<String, Plugin>()
        var errors: [WorkflowError] = []
        var known = Set(plugins.values.map(\.config.name))
        var queue: [(alias: String, plugin: Plugin)] = plugins.map { ($0.key, $0.value) }
        while !queue.isEmpty {
            let (alias, plugin) = queue.removeFirst()
            for (dependency, result) in resolver.resolveDependencies(of: plugin) {
                let loadedPlugin: Plugin
                do {
                    let source = try result.get()
                    loadedPlugin = try Plugin(contentsOf: source.path, tag: source.tag)
                } catch {
                    errors.append(WorkflowError(
                        file: workflow.file, path: "plugins.\(alias)",
                        message: "dependency '\(dependency.text)' of plugin \(plugin.config.name) cannot be loaded: \(error.description)"))
                    continue
                }
                guard known.insert(loadedPlugin.config.name).inserted else { continue }
                loaded[loadedPlugin.config.name] = loadedPlugin
                queue.append((alias, loadedPlugin))
            }
        }
        return (loaded, errors)
    }

    /// Plugin types that exist to show a user interface: no batch run can host them.
    static let userInterfaceTypes: Set<PluginType> = [.window, .iframe, .webPythonWindow, .rpcWindow]

    /// The one-line reason a plugin of `type` cannot run headless, or `nil` when it can.
    public static func headlessRefusal(plugin: String, type: PluginType) -> String? {
        guard userInterfaceTypes.contains(type) else { return nil }
        return "plugin \(plugin) is a \(type.rawValue) plugin: \(type.rawValue) plugins show a user interface and cannot run in a batch run; call a web-worker or Python plugin (or a built-in op) for the computation"
    }

    /// An error for each op that calls a user-interface plugin (``headlessRefusal(plugin:type:)``).
    func headlessProblems(plugins: OrderedDictionary<String, Plugin>, workflow: Workflow) -> [WorkflowError] {
        workflow.ops.compactMap { op in
            guard case .plugin(let alias, _) = op.target, let plugin = plugins[alias],
                let reason = Self.headlessRefusal(plugin: plugin.config.name, type: plugin.config.type)
            else { return nil }
            return WorkflowError(file: workflow.file, op: op.id, path: "\(op.jsonPath).plugin", message: reason)
        }
    }
}
