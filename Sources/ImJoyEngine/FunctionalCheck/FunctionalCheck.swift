import Foundation
import ImJoyPlugin
import ImJoySchema
import ImJoyWorkflow

/// Tests a Python or web-worker (JavaScript) plugin's `functional` claim by calling its op in fresh processes and
/// comparing the results bit for bit (docs/reproducibility.md, "imjoy-run check-functional").
///
/// Per op and input: the first call in two fresh processes (nondeterminism), a second call in the
/// same process (hidden state); with two or more inputs, one process calling them in reverse order
/// and one interleaving them (hidden state: results that depend on earlier calls); after every
/// call, the plugin's module (script-level) globals, the watched folders and `api.setConfig`
/// (side effects).
///
/// ```swift
/// let report = try FunctionalCheck(options: .init(pluginFile: "Blur.imjoy.html", inputFiles: ["a.tif"])).run()
/// print(report.text)
/// ```
public struct FunctionalCheck {
    /// What to check and how.
    public struct Options: Sendable {
        /// The plugin: a path (with `@TAG`), `DIR:NAME`, or `OWNER/REPO:NAME@TAG` (`PluginResolver`).
        public var pluginFile: String
        /// The tag to resolve; `nil`: the `@TAG` suffix, else the first declared tag.
        public var tag: String?
        /// The ops to check; empty: the plugin's own op (`run`).
        public var ops: [String]
        /// Input files (TIFF, HDF5 `FILE.h5[:DATASET]`, JSON); empty: generated inputs.
        public var inputFiles: [String]
        /// The op's config over its `ui` defaults.
        public var config: JSONObject
        /// `ctx.data` with `"$input"` where each input's value goes.
        public var dataTemplate: JSONValue?
        /// `--python PATH`.
        public var interpreter: String?
        /// `--node PATH` and `--js-cache DIR`, for web-worker plugins.
        public var javascript: JavaScriptHostOptions
        /// More folders to watch for writes (besides WORK_DIR and TMPDIR).
        public var watch: [String]
        /// Seconds one call may take before its process is killed (the check then fails).
        public var timeout: Double
        /// Keep the check's temporary folder.
        public var keep: Bool

        public init(
            pluginFile: String, tag: String? = nil, ops: [String] = [], inputFiles: [String] = [], config: JSONObject? = nil,
            dataTemplate: JSONValue? = nil, interpreter: String? = nil, javascript: JavaScriptHostOptions = JavaScriptHostOptions(),
            watch: [String] = [], timeout: Double = 600, keep: Bool = false
        ) {
            self.pluginFile = pluginFile
            self.tag = tag
            self.ops = ops
            self.inputFiles = inputFiles
            self.config = config ?? [:]
            self.dataTemplate = dataTemplate
            self.interpreter = interpreter
            self.javascript = javascript
            self.watch = watch
            self.timeout = timeout
            self.keep = keep
        }
    }

    public var options: Options

    /// A JSON option's value (`--data`); `nil` for `nil`.
    /// - Throws: ``FunctionalCheckError/option(name:reason:)`` when it does not parse.
    public static func jsonOption(_ text: String?, name: String) throws(FunctionalCheckError) -> JSONValue? {
        guard let text else { return nil }
        do { return try JSONValue(jsonText: text) } catch { throw .option(name: name, reason: "not JSON: \(error)") }
    }

    /// A JSON object option's value (`--config`); `nil` for `nil`.
    /// - Throws: ``FunctionalCheckError/option(name:reason:)`` when it does not parse or is not an object.
    public static func jsonObjectOption(_ text: String?, name: String) throws(FunctionalCheckError) -> JSONObject? {
        guard let value = try jsonOption(text, name: name) else { return nil }
        guard let object = value.objectValue else { throw .option(name: name, reason: "$: expected a JSON object, got \(value.typeName)") }
        return object
    }

    public init(options: Options) {
        self.options = options
    }

    /// The folders watched by default besides WORK_DIR and TMPDIR: the plugin's folder, the
    /// input files' folders and the current directory.
    func defaultWatchedFolders(pluginFile: String) -> [String] {
        let files = [pluginFile] + options.inputFiles.map { CheckInput.split($0).path }
        return files.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path } + [FileManager.default.currentDirectoryPath]
    }

    /// Runs every check.
    /// - Throws: ``FunctionalCheckError`` for bad input: an unreadable plugin or input, an
    ///   unknown op, a setup failure, an op that fails on an input.
    public func run() throws(FunctionalCheckError) -> FunctionalCheckReport {
        let plugin: Plugin
        do { plugin = try PluginResolver().load(options.pluginFile, tag: options.tag) } catch {
            throw .plugin(error)
        }
        guard PluginHosts.serves(plugin.config.type) else {
            throw .unsupportedType(file: options.pluginFile, type: plugin.config.type.rawValue)
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("imjoy-run-check-\(UUID().uuidString)").path
        defer { if !options.keep { try? FileManager.default.removeItem(atPath: root) } }
        let environment: CheckEnvironment
        do {
            environment = try CheckEnvironment(
                plugin: plugin, root: root, interpreter: options.interpreter, javascript: options.javascript,
                extraWatched: options.watch + defaultWatchedFolders(pluginFile: plugin.file),
                timeout: options.timeout)
        } catch {
            throw .setup(file: options.pluginFile, reason: "\(error)")
        }
        var reports: [FunctionalCheckReport.OpReport] = []
        for op in options.ops.isEmpty ? [plugin.config.name] : options.ops {
            let description = try describe(op, of: plugin)
            let problems = description.configProblems(options.config)
            if let problem = problems.first {
                throw .option(name: "--config", reason: "$.\(problem.key): \(problem.message) (op \(op) of \(options.pluginFile))")
            }
            let inputs = try CheckInput.make(files: options.inputFiles, template: options.dataTemplate, inputsSchema: description.inputs)
            var session = OpCheckSession(
                op: op == plugin.config.name ? nil : op, name: op, inputs: inputs,
                config: description.mergedConfig(options.config), environment: environment)
            reports.append(try session.run())
        }
        return FunctionalCheckReport(
            pluginFile: plugin.file, pluginName: plugin.config.name, tag: plugin.config.tag,
            declaresFunctional: plugin.config.flags.isFunctional, ops: reports, watchedFolders: environment.watched)
    }

    private func describe(_ op: String, of plugin: Plugin) throws(FunctionalCheckError) -> OpDescription {
        if op == plugin.config.name { return OpDescription(plugin: plugin) }
        do {
            // Ops registered under a name built at run time are not in the source: the plugin
            // process confirms them, and their config has no known defaults.
            return try OpDescription(plugin: plugin, registeredOp: op)
                ?? OpDescription(
                    name: op, summary: "", parameters: [], inputs: nil, outputs: nil,
                    isFunctional: plugin.config.flags.isFunctional, parametersAreKnown: false)
        } catch {
            throw .plugin(error)
        }
    }
}
