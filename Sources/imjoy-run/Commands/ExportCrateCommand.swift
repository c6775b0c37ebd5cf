import ArgumentParser
import Foundation
import ImJoyEngine

/// `imjoy-run export-crate OUT [--to CRATE]`: the run in OUT as a Workflow Run RO-Crate
/// (``ROCrateExport``; docs/reproducibility.md).
struct ExportCrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-crate",
        abstract: "Write a finished run as a Workflow Run RO-Crate (ro-crate-metadata.json).",
        discussion: """
            Follows https://w3id.org/ro/wfrun/workflow/0.5: the workflow (ComputationalWorkflow) and \
            its plugins with their SHA-256 and runtimes, inputs, parameters and outputs \
            (FormalParameter, PropertyValue), and the run (CreateAction with start and end time), \
            from OUT/manifest.json (gather a sharded run first). Without --to the crate is OUT itself; \
            with --to the manifest and the outputs are copied into CRATE_DIR. The workflow and plugin \
            files are copied under workflow/; input files are named by file:// URIs, not copied. \
            Exit 2 when the manifest or the recorded workflow cannot be read.
            """
    )

    @Argument(help: "The out dir of a finished run (holding manifest.json).")
    var outputDirectory: String

    @Option(name: .customLong("to"), help: "Write the crate into this folder (copying the outputs) instead of OUT.")
    var crateDirectory: String?

    @Option(help: "The crate's license: an SPDX URL (https://spdx.org/licenses/CC-BY-4.0) or a name.")
    var license = "NOASSERTION"

    @Option(name: .customLong("plugins"), help: "A plugin directory to search (repeatable) when loading the recorded workflow.")
    var pluginDirectories: [String] = []

    func run() throws {
        var options = ROCrateExport.Options(outputDirectory: outputDirectory, crateDirectory: crateDirectory)
        (options.pluginDirectories, options.license) = (pluginDirectories, license)
        let result = try withInputErrors { try ROCrateExport(options: options).run() }
        print("wrote \(result.metadataFile) (\(result.entities) entities, \(result.copiedFiles) files copied)")
    }
}
