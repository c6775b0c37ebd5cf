import ArgumentParser
import Foundation
import ImJoyEngine
import ImJoySchema

/// `imjoy-run check-functional PLUGIN`: tests a Python or web-worker plugin's `functional` claim.
struct CheckFunctionalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-functional",
        abstract: "Test a Python or web-worker plugin's functional claim: hidden state, nondeterminism and side effects.",
        discussion: """
            Calls the op on each input twice in one process and once in a second fresh process, \
            in reverse order and interleaved with the other inputs, and compares the results bit \
            for bit; after every call it compares the plugin's module (script-level) globals, the \
            watched folders and api.setConfig. Inputs: --input files (TIFF, HDF5 FILE.h5[:DATASET], JSON), placed \
            in --data where it holds "$input"; without --input, --data itself or two inputs \
            generated from the op's inputs schema. Exit 0 when no violation was found, 1 with the \
            evidence when one was, 2 for bad input (unreadable plugin or input, unknown op, an op \
            that fails).
            """)

    @Argument(help: "The plugin (*.imjoy.html path, with @TAG; or DIR:NAME), native-python, web-python or web-worker.")
    var plugin: String

    @Option(help: "The tag to resolve (default: the @TAG suffix, else the plugin's first tag).")
    var tag: String?

    @Option(help: "An op the plugin registers (repeatable; default: the plugin's own op, its run function).")
    var op: [String] = []

    @Option(help: "An input file (repeatable): TIFF, HDF5 (FILE.h5 or FILE.h5:DATASET) or JSON.")
    var input: [String] = []

    @Option(help: "The op's config as a JSON object, over its ui defaults.")
    var config: String?

    @Option(help: "ctx.data as JSON; the string \"$input\" stands for each input file's value.")
    var data: String?

    @Option(help: "Another folder to watch for files the plugin writes (repeatable).")
    var watch: [String] = []

    @OptionGroup var hosts: PluginHostArguments

    @Option(help: "Seconds one call may take; a call that takes longer is killed and the check fails (exit 2).")
    var timeout: Double = 600

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Flag(help: "Keep the check's temporary folder (WORK_DIR, TMPDIR, out dirs, plugin log).")
    var keep = false

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    func run() throws {
        let options = try withInputErrors {
            FunctionalCheck.Options(
                pluginFile: plugin, tag: tag, ops: op, inputFiles: input,
                config: try FunctionalCheck.jsonObjectOption(config, name: "--config") ?? [:],
                dataTemplate: try FunctionalCheck.jsonOption(data, name: "--data"), interpreter: hosts.python,
                javascript: hosts.javascript,
                watch: watch, timeout: timeout, keep: keep)
        }
        let report = try withInputErrors { try FunctionalCheck(options: options).run() }
        print(json ? report.json.serialized([.prettyPrinted, .sortedKeys]) : report.text)
        if !report.violations.isEmpty { throw ExitCode.someFailed }
    }
}
