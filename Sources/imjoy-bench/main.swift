// imjoy-bench: the Swift side of scripts/bench. Each suite prints `name<TAB>seconds` lines that
// scripts/bench places beside the reference tool's figures. Suites are added by the issues
// that name a benchmark.
import Foundation

let arguments = CommandLine.arguments.dropFirst()
guard let suite = arguments.first, let run = BenchmarkSuites.all[suite] else {
    let names = BenchmarkSuites.all.keys.sorted().joined(separator: ", ")
    FileHandle.standardError.write(Data("usage: imjoy-bench SUITE [ARGS...]; suites: \(names)\n".utf8))
    exit(2)
}
try run(Array(arguments.dropFirst()))
