import ArgumentParser
import Foundation
import ImJoyEngine
import ImJoyPlugin

/// `imjoy-run env PLUGIN`: prepares the environment a Python plugin runs in.
struct EnvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "env",
        abstract: "Create or reuse the environment of a Python plugin (one per plugin, tag, requirements and interpreter).",
        discussion: """
            The interpreter is --python, else an installed Python of the version the plugin asks
            for (python=X.Y in its env, or python_version), else its cmd on PATH. With conda,
            mamba or micromamba on PATH and a plugin that names conda, the environment is a
            conda prefix environment (created only with --allow-install); else a venv
            (`python -m venv --system-site-packages`) with the unprefixed and pip: requirements,
            and conda: packages that exist on PyPI. conda:, repo: and cmd: requirements and env
            commands run only with --allow-install; without it they are printed ("would run:
            ..."). `imjoy-run run` uses a prepared environment automatically and never installs
            anything itself. See docs/plugin-hosts.md.
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

    @Option(help: "The base interpreter for the venv (default: the version the plugin asks for, else its cmd on PATH).")
    var python: String?

    @Option(help: "More folders to find pythonX.Y in, colon-separated (also IMJOY_PYTHON_SEARCH).")
    var pythonSearch: String?

    @Option(name: .customLong("plugins"), help: "A plugin directory to search (repeatable).")
    var pluginDirectories: [String] = []

    @Flag(help: "Print the environment's folder and the commands, and change nothing.")
    var dryRun = false

    func run() throws {
        let loaded = try withInputErrors { try PluginResolver(directories: pluginDirectories).load(plugin, tag: tag) }
        guard PluginHosts.serves(loaded.config.type) else {
            printError(
                "\(loaded.config.name) is a \(loaded.config.type) plugin; only native-python and web-python plugins have environments")
            throw ExitCode.invalidInput
        }
        var options = PythonHostOptions(interpreter: python, environmentCache: envDir ?? PythonEnvironment.defaultCacheRoot())
        if let pythonSearch { options.pythonSearch = pythonSearch.split(separator: ":").map(String.init) }
        let environment = try withInputErrors { try PythonEnvironment.choose(for: loaded, options: options) }
        if dryRun {
            print("environment: \(environment.directory)\(environment.isReady ? " (ready)" : "")")
            if let base = environment.base { print("interpreter: \(base)") }
            if let conda = environment.conda { print("conda: \(conda.path)") }
            if environment.isReady { return }
            let plan = try withInputErrors { try environment.plan() }
            for warning in plan.warnings { print("warning: " + warning) }
            for step in plan.steps {
                print((step.needsPermission && !allowInstall ? "would run (needs --allow-install): " : "would run: ") + step.description)
            }
            return
        }
        do {
            try environment.prepare(allowInstall: allowInstall, workDirectory: environment.directory + "/work", print: { print($0) })
        } catch {
            printError("\(error)")
            throw ExitCode.someFailed
        }
    }
}
