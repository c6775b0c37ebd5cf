import Foundation
import ImJoyPlugin

extension PythonEnvironment {
    /// The environment of `plugin` under `options`: its interpreter is `--python`, else an
    /// installed interpreter of the version the plugin asks for (``PythonVersionRequest``),
    /// else the plugin's `cmd` (`python`, then `python3`) on PATH. With conda, mamba or
    /// micromamba on PATH and a plugin that names conda, a conda prefix environment.
    ///
    /// - Throws: ``PluginHostError`` naming what to install when no interpreter fits.
    public static func choose(for plugin: Plugin, options: PythonHostOptions) throws(PluginHostError) -> PythonEnvironment {
        let conda = options.interpreter == nil ? CondaTool.find(path: options.toolPath) : nil
        if let conda, namesConda(plugin) {
            return PythonEnvironment(plugin: plugin, cacheRoot: options.environmentCache, base: nil, conda: conda)
        }
        return PythonEnvironment(
            plugin: plugin, cacheRoot: options.environmentCache, base: try baseInterpreter(for: plugin, options: options))
    }

    /// The interpreter a venv of `plugin` is made from (or the plugin runs with directly).
    public static func baseInterpreter(for plugin: Plugin, options: PythonHostOptions) throws(PluginHostError) -> PythonInterpreter.Found {
        let environment = ProcessInfo.processInfo.environment
        if let chosen = options.interpreter {
            let path = try PythonInterpreter.resolve(chosen)[0]
            guard let found = PythonInterpreter.probe(path) else {
                throw PluginHostError(.start("--python \(chosen) does not run"), runtime: .python, plugin: plugin.config.name)
            }
            return found
        }
        if let version = PythonVersionRequest.version(of: plugin) {
            var search = environment
            if let path = options.toolPath { search["PATH"] = path }
            if let found = PythonInterpreter.find(version: version, search: options.pythonSearch, environment: search) { return found }
            throw PluginHostError(
                .start(
                    "the plugin asks for Python \(version) and none is installed; looked in "
                        + PythonInterpreter.searchedPlaces(version: version, search: options.pythonSearch)
                        + ". Install Python \(version) (e.g. `pyenv install \(version)` or `uv python install \(version)`), add its folder with --python-search, or give an interpreter with --python PATH"
                ),
                runtime: .python, plugin: plugin.config.name)
        }
        let command = plugin.config.command.isEmpty ? "python" : plugin.config.command
        let path: String
        do { path = try PythonInterpreter.resolve(command)[0] } catch {
            path = try PythonInterpreter.resolve(command == "python" ? "python3" : command)[0]
        }
        return PythonInterpreter.probe(path) ?? PythonInterpreter.Found(path: path, version: "unknown")
    }

    /// Creates or reuses the environment.
    ///
    /// - Parameters:
    ///   - allowInstall: run the steps that need permission; else only print them.
    ///   - print: progress lines ("running: …", "would run: …", "warning: …").
    /// - Returns: the steps that were skipped for lack of permission.
    /// - Throws: ``PluginHostError`` when a command fails, or a conda environment lacks
    ///   `--allow-install`.
    @discardableResult
    public func prepare(allowInstall: Bool, workDirectory: String, print: (String) -> Void) throws(PluginHostError) -> [Step] {
        if isReady {
            print("environment ready: \(directory)")
            return []
        }
        let plan = try plan()
        for warning in plan.warnings { print("warning: " + warning) }
        if conda != nil && !allowInstall {
            throw error(
                "a conda environment is created only with --allow-install; it would run: "
                    + plan.steps.map(\.description).joined(separator: "; "))
        }
        do {
            try FileManager.default.createDirectory(atPath: cacheRoot, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true)
        } catch {
            throw self.error("cannot create \(workDirectory): \(error.localizedDescription)")
        }
        var skipped: [Step] = []
        for step in plan.steps {
            if step.needsPermission && !allowInstall {
                print("would run (needs --allow-install): \(step)")
                skipped.append(step)
                continue
            }
            print("running: \(step)")
            try run(step, workDirectory: workDirectory)
        }
        try recordRepositories()
        let record =
            (base.map { "interpreter: \($0.path) \($0.version)\n" } ?? conda.map { "conda: \($0.path)\n" } ?? "")
            + skipped.map { "skipped: \($0)\n" }.joined()
        _ = FileManager.default.createFile(atPath: marker, contents: Data(record.utf8))
        print("environment ready: \(directory)")
        return skipped
    }

    private func run(_ step: Step, workDirectory: String) throws(PluginHostError) {
        var environment = ProcessInfo.processInfo.environment
        if FileManager.default.fileExists(atPath: directory + "/bin") {
            environment["VIRTUAL_ENV"] = directory
            environment["PATH"] = directory + "/bin:" + (environment["PATH"] ?? "/usr/bin:/bin")
        }
        if let arguments = step.arguments, arguments.first == "git", let target = arguments.last {
            // A clone left by an earlier, interrupted preparation is kept (and recorded).
            if FileManager.default.fileExists(atPath: target + "/.git") { return }
            try? FileManager.default.createDirectory(
                atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        }
        let command = Subprocess(
            step.arguments ?? ["/bin/sh", "-c", step.shell ?? ""], environment: environment, directory: workDirectory, output: .inherit)
        let result: Subprocess.Result
        do { result = try command.run() } catch {
            throw PluginHostError(.start("cannot run \(step): \(error.reason)"), runtime: .python, plugin: plugin.config.name)
        }
        guard result.succeeded else { throw self.error("'\(step)' failed with status \(result.status)") }
    }
}
