import Foundation
import ImJoyPlugin

#if canImport(Glibc)
import Glibc
#endif

/// A virtual environment prepared for one (plugin, tag, requirements), under a cache folder.
///
/// `imjoy-run env PLUGIN` creates it (`python -m venv --system-site-packages`, then pip for
/// unprefixed and `pip:` requirements); `imjoy-run run` uses it when it is ready and never
/// installs anything itself. `conda:`, `repo:`, `cmd:` requirements and `env` commands run only
/// with `--allow-install`.
public struct PythonEnvironment: Sendable {
    public let plugin: Plugin
    public let cacheRoot: String

    public init(plugin: Plugin, cacheRoot: String = PythonEnvironment.defaultCacheRoot()) {
        self.plugin = plugin
        self.cacheRoot = cacheRoot
    }

    /// `$XDG_CACHE_HOME/imjoy-run/envs`, else `~/.cache/imjoy-run/envs`.
    public static func defaultCacheRoot(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return xdg + "/imjoy-run/envs" }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.cache/imjoy-run/envs"
    }

    /// A stable key of what the environment holds: name, tag, requirements and env commands.
    public var key: String {
        var text = plugin.config.name + "\n" + (plugin.config.tag ?? "") + "\n"
        text += plugin.config.requirements.map(\.description).joined(separator: "\n") + "\n"
        for entry in plugin.config.environment {
            if case .command(let command) = entry { text += command + "\n" }
        }
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

    private var marker: String { directory + "/.imjoy-run-ready" }

    /// Whether `imjoy-run env` finished preparing it.
    public var isReady: Bool {
        FileManager.default.fileExists(atPath: marker) && access(python, X_OK) == 0
    }

    // MARK: - Steps

    /// One command of the preparation.
    public struct Step: Sendable, CustomStringConvertible {
        /// The program and its arguments (run without a shell), or `nil` for a shell command.
        public var arguments: [String]?
        /// A shell command (`conda`, `cmd:`, `env` entries).
        public var shell: String?
        /// Whether it runs only with `--allow-install`.
        public var needsPermission: Bool

        public var description: String {
            shell ?? (arguments ?? []).map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
        }
    }

    /// The commands that prepare the environment, in order.
    public func steps(baseInterpreter: String) -> [Step] {
        var steps: [Step] = []
        for entry in plugin.config.environment {
            if case .command(let command) = entry, !command.trimmingCharacters(in: .whitespaces).isEmpty {
                steps.append(Step(arguments: nil, shell: command, needsPermission: true))
            }
        }
        let pipPackages = plugin.config.requirements.flatMap { requirement -> [String] in
            if case .pip(let packages) = requirement { return packages }
            return []
        }
        // Without pip requirements the venv needs no pip of its own (ensurepip takes seconds).
        steps.append(Step(
            arguments: [baseInterpreter, "-m", "venv", "--system-site-packages"] + (pipPackages.isEmpty ? ["--without-pip"] : []) + [directory],
            shell: nil, needsPermission: false))
        var pip: [String] = []
        for requirement in plugin.config.requirements {
            switch requirement {
            case .pip(let packages): pip += packages
            case .conda(let packages):
                steps.append(Step(arguments: nil, shell: "conda install -y " + packages.joined(separator: " "), needsPermission: true))
            case .repository(let url, let folder):
                var arguments = ["git", "clone", "--depth=1", url]
                if let folder { arguments.append(folder) }
                steps.append(Step(arguments: arguments, shell: nil, needsPermission: true))
            case .command(let command):
                steps.append(Step(arguments: nil, shell: command, needsPermission: true))
            case .script, .cached:
                continue
            }
        }
        if !pip.isEmpty {
            steps.append(Step(arguments: [python, "-m", "pip", "install", "--disable-pip-version-check", "-q"] + pip, shell: nil, needsPermission: false))
        }
        return steps
    }

    /// Creates or reuses the environment.
    ///
    /// - Parameters:
    ///   - allowInstall: run the steps that need permission; else only print them.
    ///   - print: progress lines ("running: …", "would run: …").
    /// - Returns: the steps that were skipped for lack of permission.
    /// - Throws: ``PluginHostError`` when a command fails.
    @discardableResult
    public func prepare(baseInterpreter: String, allowInstall: Bool, workDirectory: String, print: (String) -> Void) throws -> [Step] {
        if isReady {
            print("environment ready: \(directory)")
            return []
        }
        try FileManager.default.createDirectory(atPath: cacheRoot, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true)
        var skipped: [Step] = []
        for step in steps(baseInterpreter: baseInterpreter) {
            if step.needsPermission && !allowInstall {
                print("would run (needs --allow-install): \(step)")
                skipped.append(step)
                continue
            }
            print("running: \(step)")
            var environment = ProcessInfo.processInfo.environment
            if FileManager.default.fileExists(atPath: directory + "/bin") {
                environment["VIRTUAL_ENV"] = directory
                environment["PATH"] = directory + "/bin:" + (environment["PATH"] ?? "/usr/bin:/bin")
            }
            let command = Subprocess(
                step.arguments ?? ["/bin/sh", "-c", step.shell ?? ""], environment: environment, directory: workDirectory,
                output: .inherit)
            let result: Subprocess.Result
            do { result = try command.run() } catch {
                throw PluginHostError(.start("cannot run \(step): \(error.reason)"), runtime: .python, plugin: plugin.config.name)
            }
            guard result.succeeded else {
                throw PluginHostError(.other("'\(step)' failed with status \(result.status)"), runtime: .python, plugin: plugin.config.name)
            }
        }
        _ = FileManager.default.createFile(atPath: marker, contents: Data(skipped.map { "skipped: \($0)\n" }.joined().utf8))
        print("environment ready: \(directory)")
        return skipped
    }
}
