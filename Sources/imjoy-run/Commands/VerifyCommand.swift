import ArgumentParser
import Foundation
import ImJoyEngine

/// `imjoy-run verify manifest.json`: checks the outputs on disk, then re-derives them in process.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a run recorded in manifest.json: its outputs on disk, then a rerun (no cache, temporary folder).",
        discussion: """
            First hashes every output on disk against the manifest (changed, missing), then runs the \
            recorded workflow again into a temporary folder and compares every output (identical, \
            different, missing, unlisted); input files whose content changed since the run are noted. \
            Exit 0 when everything is identical, 1 for any difference, 2 for an unreadable manifest.
            """
    )

    @Argument(help: "The manifest.json of a run.")
    var manifest: String

    @Flag(help: "Only check the outputs on disk against the manifest; do not run the workflow again.")
    var noRerun = false

    @Flag(help: "Keep the rerun's temporary folder (its path is printed).")
    var keep = false

    @Option(name: .customLong("plugins"), help: "A plugin directory to search (repeatable) for the rerun.")
    var pluginDirectories: [String] = []

    @OptionGroup var hosts: PluginHostArguments

    func run() throws {
        var options = RunVerification.Options(manifest: manifest)
        (options.rerun, options.keep, options.pluginDirectories) = (!noRerun, keep, pluginDirectories)
        (options.python, options.javascript) = (hosts.python, hosts.javascript)
        let report = try withInputErrors { try RunVerification(options: options).run() }
        print(report.text)
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}
