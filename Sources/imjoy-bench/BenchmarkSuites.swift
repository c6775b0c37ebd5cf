import Foundation

/// The suites imjoy-bench knows, by name.
enum BenchmarkSuites {
    static let all: [String: @Sendable ([String]) throws -> Void] = [
        "parse": ParseBenchmark.run,
        "executor": ExecutorBenchmark.run,
        "schema": SchemaBenchmark.run,
        "imageio": ImageIOBenchmark.run,
        "zarr": ZarrBenchmark.run,
        "large-stack": LargeStackBenchmark.run,
        "zarr-http": ZarrHTTPBenchmark.run,
        "python": PythonBenchmark.run,
        "javascript": JavaScriptBenchmark.run,
    ]
}

/// Measures `body` `iterations` times and returns the best wall time per iteration in seconds.
func measureBest(iterations: Int, _ body: () throws -> Void) rethrows -> Double {
    var best = Double.infinity
    for _ in 0..<iterations {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        best = min(best, elapsed)
    }
    return best
}

/// The median of `values` (the mean of the middle two for an even count).
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// Prints one benchmark figure as `name<TAB>seconds`.
func report(_ name: String, seconds: Double) {
    print("\(name)\t\(seconds)")
}
