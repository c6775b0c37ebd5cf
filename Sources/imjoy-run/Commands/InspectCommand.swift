import ArgumentParser

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspect", abstract: "Show a plugin's resolved config.")
    @Argument var plugin: String
    func run() throws {}
}
