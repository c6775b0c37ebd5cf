import ArgumentParser
import Foundation

/// The `imjoy-run` command: the root of every subcommand.
@main
struct ImJoyRun: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "imjoy-run",
        abstract: "Run ImJoy plugins headless: batch workflows on a laptop, in CI and on Slurm.",
        discussion: """
            Examples:
              imjoy-run workflows/nuclei.json --out out      (short for: imjoy-run run ...)
              imjoy-run run workflows/nuclei.json --dry-run --jobs 4
              imjoy-run validate workflows/nuclei.json
              imjoy-run graph workflows/nuclei.json --format mermaid
              imjoy-run inspect samples/plugins/Segment.imjoy.html@GPU --json
              imjoy-run inspect --plugins samples anyone/plugins:Normalize
              imjoy-run schema validate --schema schema.json data.json
              imjoy-run convert stack.tif stack.h5 --compression deflate
              imjoy-run check-functional samples/plugins/GaussianBlur.imjoy.html --input a.tif

            Exit codes: 0 success, 1 some items or instances failed, 2 invalid input or usage,
            128 + N interrupted by signal N.
            """,
        version: version,
        subcommands: [
            RunCommand.self,
            InspectCommand.self,
            ValidateCommand.self,
            GraphCommand.self,
            OpsCommand.self,
            SchemaCommand.self,
            ConvertCommand.self,
            GatherCommand.self,
            SlurmCommand.self,
            EnvCommand.self,
            VerifyCommand.self,
            ExportCrateCommand.self,
            CacheCommand.self,
            JSCacheCommand.self,
            ReportCommand.self,
            CheckFunctionalCommand.self,
        ],
        defaultSubcommand: RunCommand.self
    )

    /// Runs the command line; usage errors (an unknown option, a bad value, a failed
    /// `validate()`) exit 2, as documented, instead of ArgumentParser's 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(ExitCode.invalidInput.rawValue)
            }
            exit(withError: error)
        }
    }
}
