import ArgumentParser
import Foundation
import ImJoyEngine

/// `imjoy-run cache prune --max-size SIZE [--cache DIR]`.
struct CacheCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Manage the result cache of functional ops.",
        subcommands: [Prune.self]
    )

    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove the least recently used entries until the cache fits --max-size.")

        @Option(help: "The cache folder.")
        var cache = "out/.imjoy-run/cache"

        @Option(help: "The size bound: bytes, or with K, M, G, T (powers of 1024).")
        var maxSize: String

        func run() throws {
            guard let bytes = CacheSize.parse(maxSize), bytes >= 0 else {
                printError("--max-size: '\(maxSize)' is not a size (e.g. 500M, 10G)")
                throw ExitCode.invalidInput
            }
            let report = try CachePruner.prune(directory: cache, maxBytes: bytes)
            print("\(report.entries) entries, \(report.bytesBefore) bytes; removed \(report.removed), \(report.bytesAfter) bytes left")
        }
    }
}
