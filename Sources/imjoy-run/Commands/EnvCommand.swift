import ArgumentParser
import Foundation
import ImJoyEngine
import ImJoyPlugin

/// `imjoy-run env PLUGIN`: prepares the virtual environment a Python plugin runs in.
struct EnvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "env",
        abstract: "Create or reuse the virtual environment of a Python plugin (one per plugin, tag and requirements).",
        discussion: """
            Creates CACHE/<name>[-<tag>]-<key> with `python -m venv --system-site-packages` and
            pip-installs the plugin's unprefixed and pip: requirements. conda: and repo:
            requirements, cmd: commands and the plugin's env commands run only with
            --allow-install; without it they are printed ("would run: ..."). `imjoy-run run`
            uses a prepared environment automatically and never installs anything itself.
            """
    )

    @Argument(help: "The plugin: a *.imjoy.html file (optionally @TAG), DIR:NAME or OWNER/REPO:NAME@TAG.")
    var plugin: String

    @Option(help: "The tag to prepare (default: the @TAG suffix, else the plugin's first tag).")
    var tag: String?

    @Flag(help: "Also run conda:, repo:, cmd: requirements and env commands.")
    var allowInstall = false

    @Option(help: "The environments folder (default: $XDG_CACHE_HOME/imjoy-run/envs, else ~/.cache/imjoy-run/envs).")
    var envDir: String?

    @Option(help: "The base interpreter for the venv (default: the plugin's cmd on PATH).")
    var python: String?

    @Option(name: .customLong("plugins"), help: "A plugin directory to search (repeatable).")
    var pluginDirectories: [String] = []

    @Flag(help: "Print the environment's folder and the commands, and change nothing.")
    var dryRun = false

    func run() throws {
        let loaded = try withInputErrors { try PluginResolver(directories: pluginDirectories).load(plugin, tag: tag) }
        guard PluginHosts.serves(loaded.config.type) else {
            printError("\(loaded.config.name) is a \(loaded.config.type) plugin; only native-python and web-python plugins have environments")
            throw ExitCode.invalidInput
        }
        let environment = PythonEnvironment(plugin: loaded, cacheRoot: envDir ?? PythonEnvironment.defaultCacheRoot())
        let command = python ?? (loaded.config.command.isEmpty ? "python" : loaded.config.command)
        let base = try withInputErrors { () throws -> [String] in
            if let resolved = try? PythonInterpreter.resolve(command) { return resolved }
            return try PythonInterpreter.resolve("python3")
        }
        if dryRun {
            print("environment: \(environment.directory)\(environment.isReady ? " (ready)" : "")")
            for step in environment.steps(baseInterpreter: base[0]) {
                print((step.needsPermission && !allowInstall ? "would run (needs --allow-install): " : "would run: ") + step.description)
            }
            return
        }
        do {
            try environment.prepare(
                baseInterpreter: base[0], allowInstall: allowInstall,
                workDirectory: environment.directory + "/work", print: { print($0) })
        } catch {
            printError("\(error)")
            throw ExitCode.someFailed
        }
    }
}
