import Foundation
import ImJoyPlugin
import ImJoySchema
import ImJoyWorkflow

extension PluginHosts {
    /// How to start the host of `plugin`, by its runtime: the Python interpreter (`--python`, a
    /// prepared environment, the plugin's `cmd`) or Node.js with the plugin's script requirements.
    /// A new runtime adds its case here.
    static func launch(for plugin: Plugin, options: PluginHostOptions) throws -> HostLaunch {
        switch HostRuntime(serving: plugin.config.type) {
        case .python:
            return try PythonRuntime.launch(for: plugin, options: options.python, stateDirectory: options.stateDirectory)
        case .javascript:
            return try JavaScriptRuntime.launch(for: plugin, options: options.javascript)
        case nil:
            throw PluginHostError.other("plugin \(plugin.config.name) is a \(plugin.config.type.rawValue) plugin, which no host runs")
        }
    }
}

extension PluginHosts {
    /// `plugin` with the `container` its ops name in the workflow (a relative folder or `.sif`
    /// from the workflow's folder), over its own; every op of one alias must name the same one.
    static func withOpContainer(_ plugin: Plugin, alias: String, plan: WorkflowPlan) throws -> Plugin {
        let ops = plan.ops.filter { $0.pluginAlias == alias }
        let named = Set(ops.map(\.spec.container))
        guard named.count <= 1, let container = named.first ?? nil else {
            if named.count > 1 {
                throw PluginHostError(
                    .start("the ops of plugin '\(alias)' name different containers; give each container its own plugin alias"),
                    runtime: .python, plugin: plugin.config.name)
            }
            return plugin
        }
        let base = plan.workflow.baseDirectory
        let absolute =
            container.contains("://") || container.hasPrefix("/")
            ? container
            : (base.hasPrefix("/") ? base : FileManager.default.currentDirectoryPath + "/" + base) + "/" + container
        var plugin = plugin
        plugin.config.fields["container"] = .string(absolute)
        return plugin
    }
}
