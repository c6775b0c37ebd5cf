import ArgumentParser
import Foundation
import ImJoyPlugin
import ImJoySchema

/// `imjoy-run inspect PLUGIN...`: shows plugins' resolved configs.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a plugin's resolved config, scripts and ops.",
        discussion: """
            PLUGIN is a *.imjoy.html file (optionally with @TAG), DIR:NAME for a plugin directory,
            OWNER/REPO:NAME@TAG resolved against --plugins and IMJOY_PLUGIN_PATH, or a directory
            (every plugin in it). Exits 2 with a one-line error when a plugin is malformed.
            """
    )

    @Argument(help: "Plugin files, references or directories.")
    var plugins: [String]

    @Option(help: "The tag to resolve (default: the @TAG suffix, else the plugin's first tag).")
    var tag: String?

    @Flag(help: "Print JSON with ImJoy's field names instead of a summary.")
    var json = false

    @Option(name: .customLong("plugins"), help: "A plugin directory to search (repeatable).")
    var pluginDirectories: [String] = []

    func run() throws {
        let resolver = PluginResolver(directories: pluginDirectories)
        var loaded: [Plugin] = []
        var failed = false
        for source in expandDirectories(plugins, resolver: resolver) {
            do {
                loaded.append(try resolver.load(source, tag: tag))
            } catch {
                printError(error.description)
                failed = true
            }
        }
        if json {
            let value: JSONValue =
                loaded.count == 1 && plugins.count == 1 && !isDirectory(plugins[0])
                ? loaded[0].summaryJSON : .array(loaded.map(\.summaryJSON))
            print(value.serialized(.prettyPrinted))
        } else {
            print(loaded.map(PluginSummaryText.make).joined(separator: "\n"))
        }
        if failed { throw ExitCode.invalidInput }
    }

    private func expandDirectories(_ sources: [String], resolver: PluginResolver) -> [String] {
        sources.flatMap { source -> [String] in
            guard isDirectory(source) else { return [source] }
            if let manifest = try? PluginManifest(directory: source) { return manifest.plugins.map(\.path) }
            return resolver.pluginFiles(inDirectory: source)
        }
    }

    private func isDirectory(_ path: String) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
    }
}

/// The human-readable summary `inspect` prints without `--json`.
enum PluginSummaryText {
    static func make(_ plugin: Plugin) -> String {
        let config = plugin.config
        var lines: [String] = []
        lines.append("\(config.name) \(config.version ?? "")  (\(config.type), api \(config.apiVersion))")
        lines.append("  file: \(plugin.file)")
        if let description = config.description { lines.append("  description: \(description)") }
        if !config.tags.isEmpty {
            lines.append("  tags: \(config.tags.joined(separator: ", "))  (active: \(config.tag ?? "-"))")
        }
        if !config.flags.all.isEmpty { lines.append("  flags: \(config.flags.all.joined(separator: ", "))") }
        lines.append("  execution: \(config.flags.isFunctional ? "functional (parallel, cacheable)" : "serial, in item order")")
        if !config.requirements.isEmpty {
            lines.append("  requirements:")
            lines += config.requirements.map { "    \($0)" }
        }
        if !config.environment.isEmpty {
            lines.append("  env: \(config.environment.count) entr\(config.environment.count == 1 ? "y" : "ies")")
        }
        if !config.dependencies.isEmpty { lines.append("  dependencies: \(config.dependencies.map(\.text).joined(separator: ", "))") }
        lines.append(
            "  scripts: " + plugin.scripts.map { "\($0.lang) (\($0.content.split(separator: "\n").count) lines)" }.joined(separator: ", "))
        if !plugin.attachments.isEmpty { lines.append("  attachments: \(plugin.attachments.keys.joined(separator: ", "))") }
        lines.append("  op \(config.name):")
        lines += parameterLines(config.parameters)
        for op in plugin.registeredOps {
            // What `inspect --json` lists: ops found in the scripts' `api.register` calls.
            lines.append("  op \(op.name) (registered with api.register):")
            if let parameters = op.parameters {
                lines += parameterLines(parameters)
            } else {
                lines.append(op.ui == nil ? "    (parameters not known before the plugin runs)" : "    (its ui does not parse)")
            }
        }
        if config.inputs != nil { lines.append("  inputs schema: yes") }
        for warning in plugin.warnings { lines.append("  warning: \(warning)") }
        return lines.joined(separator: "\n")
    }

    /// One line per parameter: `id: type = default  min …  max …  options […]`.
    private static func parameterLines(_ parameters: [UIParameter]) -> [String] {
        if parameters.isEmpty { return ["    (no parameters)"] }
        return parameters.map { parameter in
            var text = "    \(parameter.id): \(parameter.type)"
            if let value = parameter.defaultValue { text += " = \(value.serialized())" }
            if let minimum = parameter.minimum { text += "  min \(minimum.formatted())" }
            if let maximum = parameter.maximum { text += "  max \(maximum.formatted())" }
            if !parameter.options.isEmpty { text += "  options \(JSONValue.array(parameter.options).serialized())" }
            return text
        }
    }
}

extension Double {
    fileprivate func formatted() -> String {
        self == rounded() && abs(self) < 1e15 ? String(Int64(self)) : String(self)
    }
}
