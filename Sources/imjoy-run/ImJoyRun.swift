import ArgumentParser

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

            Exit codes: 0 success, 1 some items or instances failed, 2 invalid input or usage.
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
            CacheCommand.self,
            JSCacheCommand.self,
            ReportCommand.self,
            CheckFunctionalCommand.self,
        ],
        defaultSubcommand: RunCommand.self
    )
}
