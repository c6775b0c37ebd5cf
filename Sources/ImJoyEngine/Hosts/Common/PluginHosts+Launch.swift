import ImJoyPlugin

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

    /// The former launch entry point (the host program now follows from the runtime).
    @available(*, deprecated, message: "use launch(for:options:)")
    static func launch(for plugin: Plugin, options: PluginHostOptions, hostScript: String) throws -> HostLaunch {
        try launch(for: plugin, options: options)
    }
}
