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
                    errors.append(
                        WorkflowError(
                            file: workflow.file, path: "plugins.\(alias)",
                            message:
                                "dependency '\(dependency.text)' of plugin \(plugin.config.name) cannot be loaded: \(error.description)"))
                    continue
                }
                guard known.insert(loadedPlugin.config.name).inserted else { continue }
                loaded[loadedPlugin.config.name] = loadedPlugin
                queue.append((alias, loadedPlugin))
            }
        }
        return (loaded, errors)
    }

    /// The one-line reason a plugin of `type` cannot run headless, or `nil` when it can
    /// (``PluginType/headlessRefusal(plugin:)``, the text `run` prints too).
    public static func headlessRefusal(plugin: String, type: PluginType) -> String? {
        type.showsUserInterface ? type.headlessRefusal(plugin: plugin) : nil
    }
}
