import Foundation
import ImJoyPlugin

/// `imjoy-bench parse FILE`: parses a plugin file (blocks, config, tags, scripts) repeatedly and
/// reports the best time.
enum ParseBenchmark {
    static func run(_ arguments: [String]) throws {
        guard let path = arguments.first else { throw BenchmarkUsageError("parse FILE") }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var scripts = 0
        let seconds = try measureBest(iterations: 30) {
            let plugin = try Plugin(text: text, file: path)
            scripts &+= plugin.scripts.count
        }
        precondition(scripts > 0)
        report("parse", seconds: seconds)
    }
}

struct BenchmarkUsageError: Error, CustomStringConvertible {
    var usage: String
    init(_ usage: String) { self.usage = usage }
    var description: String { "usage: imjoy-bench \(usage)" }
}
