import Foundation
import ImJoyEngine
import ImJoyPlugin
import ImJoySchema
import ImJoyWorkflow
import ImageIO

/// `imjoy-bench python PLUGIN [PYTHON]`: the Python plugin host, in process.
///
/// PLUGIN is a native-python plugin whose `run` returns `ctx.data` unchanged. Reports `warm-call`
/// (seconds per call of a 16×16 uint16 array, after warm-up), `roundtrip-64mib` (a 64 MiB array to
/// Python and back) and `memcpy2-64mib` (two memcpys of the same 64 MiB: into a reused buffer,
/// then into fresh memory, as the host's path does), each as the median of 41 interleaved
/// repetitions after 3 warm-up ones, and their minimums (`…-min`).
enum PythonBenchmark {
    static func run(_ arguments: [String]) throws {
        guard let pluginPath = arguments.first else {
            throw PluginHostError.other("usage: imjoy-bench python PLUGIN [PYTHON]")
        }
        try measureHost(plugin: pluginPath) { state in
            PluginHostOptions(interpreter: arguments.count > 1 ? arguments[1] : nil, stateDirectory: state, jobs: 1)
        }
    }

    /// The figures above for any plugin host: PLUGIN's type picks Python or Node.js.
    static func measureHost(plugin pluginPath: String, options: (_ stateDirectory: String) -> PluginHostOptions) throws {
        let workflow = Workflow(
            file: "bench.json", baseDirectory: ".", name: "bench", plugins: ["echo": .reference(pluginPath)],
            ops: [OpSpec(id: "echo", target: .plugin(alias: "echo", op: nil), index: 0)])
        let validated = try WorkflowValidator(resolver: PluginResolver(environment: [:])).validate(workflow)
        let plan = try WorkflowPlan(validated)
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("imjoy-bench-python-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: state) }
        let hosts = try PluginHosts(plan: plan, options: options(state))
        defer { hosts.shutdown() }
        let op = plan.ops[0]
        let item = plan.items[0]

        func call(_ data: JSONValue) throws -> JSONValue {
            let context = OpCall.context(op: op, data: data, variables: [:], workflowID: "bench-0")
            return try hosts.invoke(OpCall(op: op, item: item, context: context, outputDirectory: state))
        }

        try measureWarmCalls(call)
        try measureRoundTrips(call)
    }

    /// `warm-call`: seconds per call of a 16×16 uint16 array, after warm-up.
    private static func measureWarmCalls(_ call: (JSONValue) throws -> JSONValue) throws {
        let small = try NDArray(shape: [16, 16], elements: (0..<256).map { UInt16($0) }).rpcValue
        for _ in 0..<200 { _ = try call(small) }
        let count = 3000
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<count { _ = try call(small) }
        let perCall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(count)
        let echoed = try call(small)
        precondition(echoed == small)
        report("warm-call", seconds: perCall)
    }

    /// 64 MiB there and back, against two memcpys of the same bytes: into a reused buffer (our
    /// input segment), then into fresh memory (the result's array). Both sides run interleaved in
    /// one loop, in alternating order, time the same span (the allocation of the new array
    /// included, its release not), and report their median and minimum.
    private static func measureRoundTrips(_ call: (JSONValue) throws -> JSONValue) throws {
        let size = 64 << 20
        let big = try NDArray(zeros: [size], dtype: .uint8)
        big.storage.withUnsafeMutableBytes { bytes in
            for index in stride(from: 0, to: bytes.count, by: 4096) { bytes[index] = UInt8(truncatingIfNeeded: index >> 12) }
        }
        let bigValue = big.rpcValue
        let reused = try NDArray(zeros: [size], dtype: .uint8)
        _ = reused.storage.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 1) }
        var roundTrips: [Double] = []
        var copies: [Double] = []
        let warmUp = 3
        let repetitions = 41
        for repetition in 0..<(warmUp + repetitions) {
            var times = (roundTrip: 0.0, copies: 0.0)
            // Alternate which side goes first, so that neither always follows the other.
            for side in repetition % 2 == 0 ? [0, 1] : [1, 0] {
                if side == 0 {
                    let checking = repetition == 0 || repetition == warmUp + repetitions - 1
                    times.roundTrip = try timeRoundTrip(call, bigValue, checking: checking)
                } else {
                    times.copies = try timeCopies(from: big, through: reused, size: size)
                }
            }
            if repetition >= warmUp {
                roundTrips.append(times.roundTrip)
                copies.append(times.copies)
            }
        }
        report("roundtrip-64mib", seconds: median(roundTrips))
        report("roundtrip-64mib-min", seconds: roundTrips.min()!)
        report("memcpy2-64mib", seconds: median(copies))
        report("memcpy2-64mib-min", seconds: copies.min()!)
    }

    /// Seconds for one call of `value`; `checking` also requires the result to equal it (after the timing).
    private static func timeRoundTrip(
        _ call: (JSONValue) throws -> JSONValue, _ value: JSONValue, checking: Bool
    ) throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try call(value)
        let elapsed = seconds(since: start)
        if checking {
            precondition(result == value, "64 MiB round trip changed the bytes")
        }
        return elapsed
    }

    /// Seconds for the host path's two memcpys of `size` bytes: `big` into `reused`, then into a fresh array.
    private static func timeCopies(from big: NDArray, through reused: NDArray, size: Int) throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        reused.storage.baseAddress.copyMemory(from: big.storage.baseAddress, byteCount: size)
        let fresh = try NDArray(zeros: [size], dtype: .uint8)
        fresh.storage.baseAddress.copyMemory(from: reused.storage.baseAddress, byteCount: size)
        return seconds(since: start)
    }

    private static func seconds(since start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
}

/// `imjoy-bench javascript PLUGIN [NODE]`: the Node.js host of web-worker plugins, in process;
/// the figures of ``PythonBenchmark`` for a web-worker PLUGIN whose `run` returns `ctx.data`.
enum JavaScriptBenchmark {
    static func run(_ arguments: [String]) throws {
        guard let pluginPath = arguments.first else {
            throw PluginHostError.other("usage: imjoy-bench javascript PLUGIN [NODE]")
        }
        try PythonBenchmark.measureHost(plugin: pluginPath) { state in
            PluginHostOptions(
                stateDirectory: state, jobs: 1, javascript: JavaScriptHostOptions(node: arguments.count > 1 ? arguments[1] : nil))
        }
    }
}
