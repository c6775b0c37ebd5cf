import ArgumentParser
import Foundation
import ImJoyEngine

/// `imjoy-run report EVENTS.jsonl -o report.html`.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render a run's JSON-lines events as one self-contained HTML page (timeline, durations, failures, DAG).")

    @Argument(help: "The events file (--events of a run).")
    var events: String

    @Option(name: [.customShort("o"), .customLong("output")], help: "The HTML file to write.")
    var output = "report.html"

    func run() throws {
        guard let data = FileManager.default.contents(atPath: events) else {
            printError("cannot read \(events)")
            throw ExitCode.invalidInput
        }
        let html = RunReport(eventsText: String(decoding: data, as: UTF8.self)).html()
        try Data(html.utf8).write(to: URL(fileURLWithPath: output))
        print("wrote \(output)")
    }
}
