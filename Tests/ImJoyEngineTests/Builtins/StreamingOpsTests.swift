import Foundation
import ImJoySchema
import ImageIO
import TestSupport
import Testing

@testable import ImJoyEngine

/// `crop`, `threshold` (otsu, mean), `normalize`, `convert-dtype` (rescale) and `stats` on arrays
/// larger than the memory limit: an invoker with a 4 KiB limit reads a file of tens of KiB as a
/// lazy array (an op that needed it whole would fail with `tooLarge`), runs the op on it, and the
/// result — still lazy unless it fits the limit — equals the in-memory op's on the whole array
/// byte for byte, with the same metadata (`stats`: the same JSON); thresholds, percentiles,
/// extremes and statistics are compared as float64 bit patterns.
@Suite("crop, threshold otsu/mean, normalize, convert-dtype rescale and stats stream bit-identically")
struct StreamingOpsTests {
    static let limit = 4096

    /// `count` deterministic values in [0, 1): a hash of the index and `seed`.
    static func noise(_ count: Int, seed: UInt64) -> [Double] {
        (0..<count).map { i in
            var x = (UInt64(i) &+ seed &* 0xBF58_476D_1CE4_E5B9) &* 0x9E37_79B9_7F4A_7C15
            x ^= x >> 31
            x &*= 0x94D0_49BB_1331_11EB
            x ^= x >> 29
            return Double(x >> 11) / Double(UInt64(1) << 53)
        }
    }

    /// A bimodal image of `dtype` (two clusters, 60/40), with duplicates; floats hold negative
    /// values and both zeros, float64 a wide range (so the order of a sum shows in its last bits).
    static func image(_ dtype: DType, shape: [Int], seed: UInt64 = 1) throws -> NDArray {
        let n = shape.reduce(1, *)
        let (pick, a, b) = (noise(n, seed: seed), noise(n, seed: seed + 1), noise(n, seed: seed + 2))
        var values = (0..<n).map { pick[$0] < 0.6 ? 0.2 + 0.15 * a[$0] : 0.65 + 0.2 * b[$0] }
        switch dtype {
        case .uint8: values = values.map { ($0 * 255).rounded(.down) }
        case .uint16: values = values.map { ($0 * 60000).rounded(.down) }
        case .int16: values = values.map { ($0 * 60000).rounded(.down) - 30000 }
        case .int32: values = values.map { ($0 * 4e9).rounded(.down) - 2e9 }
        case .float32: values = values.map { (($0 - 0.3) * 1000 * 64).rounded() / 64 }
        default: values = values.map { exp(($0 - 0.5) * 60) * ($0 < 0.3 ? -1 : 1) }
        }
        if dtype.isFloatingPoint {
            for i in stride(from: 0, to: n, by: 997) { values[i] = i % 2 == 0 ? 0 : -0.0 }
        }
        return try NDArray(shape: shape, elements: values).converted(to: dtype)
    }

    /// An invoker with a 4 KiB memory limit over a folder, and the whole-array invoker.
    struct Setup {
        let folder: TemporaryDirectory
        let streaming: BuiltinInvoker
        let whole: BuiltinInvoker

        init() throws {
            folder = try TemporaryDirectory("streaming-ops")
            var invoker = BuiltinInvoker(baseDirectory: folder.path)
            invoker.memoryLimit = StreamingOpsTests.limit
            streaming = invoker
            whole = BuiltinInvoker(baseDirectory: folder.path)
        }

        /// `array` written as `name` (`.h5`: dataset `data`; `.zarr`: OME-Zarr) and read back as a
        /// lazy array, and the whole array read from the file (with the file's metadata).
        func lazy(_ array: NDArray, name: String) throws -> (lazy: JSONValue, array: NDArray) {
            let url = folder.appending(name)
            let reader: String
            if name.hasSuffix(".zarr") {
                try ZarrFormat().write(array, to: url, options: ArrayWriteOptions())
                reader = "read-zarr"
            } else {
                try HDF5Format().write(array, to: url, options: ArrayWriteOptions(name: "data"))
                reader = "read-hdf5"
            }
            let value = try run(streaming, #"{"id": "load", "builtin": "\#(reader)"}"#, data: .string(name))
            try #require(LazyArray.isLazy(value), "\(name) (\(array.byteCount) bytes) is read lazily")
            let whole = try BuiltinInvoker.materialised(value, op: "read")
            #expect(whole == array)
            return (value, whole)
        }

        /// Op `json` (a workflow op) run by `invoker` on `data`.
        func run(_ invoker: BuiltinInvoker, _ json: String, data: JSONValue) throws -> JSONValue {
            try invoker.invoke(builtinCall(json, data: data, out: folder.url))
        }

        /// Runs op `json` streamed on `lazy` and in memory on `array`; expects the same array
        /// (lazy when larger than the limit) and returns the streamed result.
        @discardableResult
        func expectSame(_ json: String, lazy: JSONValue, array: NDArray, _ label: String) throws -> JSONValue {
            let streamed = try run(streaming, json, data: lazy)
            let expected = try NDArray(rpcValue: run(whole, json, data: array.rpcValue))
            #expect(
                LazyArray.isLazy(streamed) == (expected.byteCount > StreamingOpsTests.limit), "\(label): lazy while larger than the limit")
            // Lazy: its record read back from JSON text (as a run passes it on), computed in blocks
            // within the run's block budget, as a writer pulls them.
            let result: NDArray
            if LazyArray.isLazy(streamed) {
                let reparsed = try JSONValue(jsonText: streamed.serialized())
                #expect(reparsed == streamed, "\(label): the record survives JSON text")
                result = try LazyArray(rpcValue: reparsed, blockBudget: streaming.blockBudget).readAll(limit: .max)
            } else {
                result = try NDArray(rpcValue: streamed)
            }
            #expect(result.shape == expected.shape && result.dtype == expected.dtype, "\(label): \(result.shape) \(result.dtype)")
            if expected.count > 0 { #expect(result == expected, "\(label): the elements differ") }
            #expect(result.metadata == expected.metadata, "\(label): metadata")
            return streamed
        }
    }

    @Test(
        "gaussian mode wrap streams bit-identically, also where the halo wraps more than once",
        arguments: ["0.7", "2", "5"])
    func gaussianWrap(sigma: String) throws {
        let setup = try Setup()
        // z has 3 planes: a radius of 8 wraps around it more than twice.
        let (lazy, array) = try setup.lazy(try Self.image(.uint16, shape: [3, 40, 50]), name: "w.zarr")
        let op = #"{"id": "g", "builtin": "gaussian", "config": {"sigma": \#(sigma), "mode": "wrap"}}"#
        let streamed = try setup.expectSame(op, lazy: lazy, array: array, "wrap sigma \(sigma)")
        #expect(Self.lastTransform(streamed)?["mode"] == "wrap")
        // After a point-wise op too.
        let cast = #"{"id": "c", "builtin": "convert-dtype", "config": {"dtype": "float32"}}"#
        let castLazy = try setup.run(setup.streaming, cast, data: lazy)
        let castArray = try NDArray(rpcValue: setup.run(setup.whole, cast, data: array.rpcValue))
        try setup.expectSame(op, lazy: castLazy, array: castArray, "wrap after a cast, sigma \(sigma)")
    }

    @Test("gaussian mode wrap after a view needs the whole array")
    func gaussianWrapAfterCrop() throws {
        let setup = try Setup()
        let (lazy, _) = try setup.lazy(try Self.image(.uint16, shape: [9, 40, 50]), name: "w.zarr")
        let cropped = try setup.run(setup.streaming, #"{"id": "c", "builtin": "crop", "config": {"region": "1:"}}"#, data: lazy)
        #expect(throws: BuiltinOpError.self) {
            try setup.run(setup.streaming, #"{"id": "g", "builtin": "gaussian", "config": {"sigma": 1, "mode": "wrap"}}"#, data: cropped)
        }
    }

    /// The record of the last op applied to a lazy result.
    static func lastTransform(_ value: JSONValue) -> JSONValue? { value["_rlazy"]?["transforms"]?.arrayValue?.last }

    static let regions = [
        ":", "2:5", "1:, :3", "-3:, ::2", "::-1", "5:1:-2, 1", "10:200, :, 5:", "::3, ::-2, 1:", ":, :, -1", "4", "-2:, 7:40:3, ::-5",
        "3:3", ":, 39:0:-7, 1::4", "-100:100, -1:", "1, 2", "::-2, 3::5",
    ]

    @Test("crop is a lazy view equal to the in-memory crop", arguments: regions)
    func crop(region: String) throws {
        let setup = try Setup()
        var image = try Self.image(.uint16, shape: [9, 40, 50])
        image.metadata = ArrayMetadata(axes: [.init(name: "z", scale: 2, unit: "micrometer"), .init(name: "y"), .init(name: "x")])
        let (lazy, array) = try setup.lazy(image, name: "a.zarr")
        try #require(array.metadata != nil)
        let op = #"{"id": "c", "builtin": "crop", "config": {"region": "\#(region)"}}"#
        let streamed = try setup.expectSame(op, lazy: lazy, array: array, "crop '\(region)'")
        if LazyArray.isLazy(streamed) { #expect(Self.lastTransform(streamed)?["op"] == "crop") }
        // After a halo op: the crop's boxes map through gaussian's.
        let smooth = #"{"id": "g", "builtin": "gaussian", "config": {"sigma": 1.5}}"#
        let smoothed = try setup.run(setup.streaming, smooth, data: lazy)
        let wholeSmoothed = try NDArray(rpcValue: setup.run(setup.whole, smooth, data: array.rpcValue))
        try setup.expectSame(op, lazy: smoothed, array: wholeSmoothed, "gaussian → crop '\(region)'")
    }

    @Test("a bad region fails as in memory")
    func cropErrors() throws {
        let setup = try Setup()
        let (lazy, array) = try setup.lazy(Self.image(.uint16, shape: [9, 40, 50]), name: "a.h5")
        for region in ["9", "1:2, 1:2, 1:2, 1", "::0", "a:b"] {
            let op = #"{"id": "c", "builtin": "crop", "config": {"region": "\#(region)"}}"#
            let streamed = try #require(throws: BuiltinOpError.self) { try setup.run(setup.streaming, op, data: lazy) }
            let whole = try #require(throws: BuiltinOpError.self) { try setup.run(setup.whole, op, data: array.rpcValue) }
            #expect(streamed.description == whole.description, "region '\(region)'")
        }
    }

    @Test(
        "threshold otsu and mean: the same threshold and mask as in memory",
        arguments: [DType.uint8, .uint16, .int16, .int32, .float32, .float64], ["otsu", "mean"])
    func threshold(dtype: DType, method: String) throws {
        let setup = try Setup()
        // 160 000 elements: the in-memory sum adds two chunks of 80 000 (StatsKernel.sumChunk).
        let (lazy, array) = try setup.lazy(Self.image(dtype, shape: [5, 160, 200], seed: 3), name: "a.h5")
        let op = #"{"id": "t", "builtin": "threshold", "config": {"method": "\#(method)", "foreground": 200}}"#
        let streamed = try setup.expectSame(op, lazy: lazy, array: array, "threshold \(method) \(dtype)")
        let expected = try ThresholdKernel.threshold(array, method: ThresholdMethod(rawValue: method)!, value: 0)
        let recorded = try #require(LazyArray.exactNumber(Self.lastTransform(streamed)?["value"]))
        #expect(recorded.bitPattern == expected.bitPattern, "\(method) \(dtype): \(recorded) vs \(expected)")
        // Rows of 200 elements: for float64 (1600 bytes) the sum's chunk ends with a block.
        for blockBytes in [3000, 200 * dtype.byteSize] {
            let direct = try ThresholdKernel.threshold(
                LazyArray(rpcValue: lazy, blockBudget: 1 << 16), method: ThresholdMethod(rawValue: method)!, value: 0,
                blockBytes: blockBytes)
            #expect(
                direct.bitPattern == expected.bitPattern, "\(method) \(dtype) in blocks of \(blockBytes) bytes: \(direct) vs \(expected)")
        }
    }

    @Test("the float64 test image tells the chunked mean from a plain running sum")
    func meanOrderMatters() throws {
        let array = try Self.image(.float64, shape: [5, 160, 200], seed: 3)
        let values = try array.elements(as: Double.self)
        let plain = values.reduce(0, +) / Double(values.count)
        #expect(plain != StatsKernel.compute(array).mean, "a mean summed in another order would pass the threshold test")
    }

    @Test("otsu of an image with infinity, and the mean of one with NaN, as in memory")
    func thresholdSpecialValues() throws {
        let setup = try Setup()
        var values = try Self.image(.float32, shape: [4, 30, 40]).elements(as: Float.self)
        values[777] = .infinity
        let infinite = try NDArray(shape: [4, 30, 40], elements: values)
        let lazy = try setup.lazy(infinite, name: "inf.h5").lazy
        let otsu = #"{"id": "t", "builtin": "threshold", "config": {"method": "otsu"}}"#
        let streamed = try #require(throws: BuiltinOpError.self) { try setup.run(setup.streaming, otsu, data: lazy) }
        let whole = try #require(throws: BuiltinOpError.self) { try setup.run(setup.whole, otsu, data: infinite.rpcValue) }
        #expect(streamed.description == whole.description)
        values[777] = .nan
        let nan = try NDArray(shape: [4, 30, 40], elements: values)
        let mean = #"{"id": "t", "builtin": "threshold", "config": {"method": "mean"}}"#
        let result = try setup.expectSame(mean, lazy: setup.lazy(nan, name: "nan.h5").lazy, array: nan, "threshold mean with NaN")
        #expect(LazyArray.exactNumber(Self.lastTransform(result)?["value"])?.isNaN == true)
    }

    @Test(
        "normalize: the same percentiles and float32 result as in memory",
        arguments: [DType.uint8, .uint16, .int16, .int32, .float32, .float64], ["yes", "no"])
    func normalize(dtype: DType, clip: String) throws {
        let setup = try Setup()
        let (lazy, array) = try setup.lazy(Self.image(dtype, shape: [6, 45, 61], seed: 5), name: "a.h5")
        for (low, high) in [(1.0, 99.8), (0, 100), (2.5, 97.5), (50, 50), (33.3, 66.7)] {
            let op = #"{"id": "n", "builtin": "normalize", "config": {"low": \#(low), "high": \#(high), "clip": "\#(clip)"}}"#
            let streamed = try setup.expectSame(op, lazy: lazy, array: array, "normalize \(dtype) \(low)–\(high) clip \(clip)")
            let expected = try NormalizeKernel.percentiles(array, [low, high])
            let record = Self.lastTransform(streamed)
            let recorded = [LazyArray.exactNumber(record?["lo"]), LazyArray.exactNumber(record?["hi"])]
            #expect(recorded.map { $0?.bitPattern } == expected.map(\.bitPattern), "\(dtype) \(low)–\(high): \(recorded) vs \(expected)")
        }
    }

    @Test("normalize of a float image with NaN, of one whose percentiles are zeros of both signs, and with low above high, as in memory")
    func normalizeSpecialCases() throws {
        let setup = try Setup()
        // Which zero a selection lands on depends on its order: both paths take +0.
        let pattern: [Float] = (0..<2400).map { i -> Float in
            switch i % 3 {
            case 0: i % 9 == 0 ? 0 : -0.0
            case 1: -0.0
            default: -Float(i % 17)
            }
        }
        let zeros = try NDArray(shape: [40, 60], elements: pattern)
        let signed = try setup.lazy(zeros, name: "zeros.h5")
        for clip in ["yes", "no"] {
            let op = #"{"id": "n", "builtin": "normalize", "config": {"low": 40, "high": 90, "clip": "\#(clip)"}}"#
            try setup.expectSame(op, lazy: signed.lazy, array: signed.array, "normalize at signed zeros, clip \(clip)")
        }
        var values = try Self.image(.float32, shape: [4, 30, 40]).elements(as: Float.self)
        values[1234] = .nan
        let nan = try NDArray(shape: [4, 30, 40], elements: values)
        let lazy = try setup.lazy(nan, name: "nan.h5").lazy
        try setup.expectSame(#"{"id": "n", "builtin": "normalize"}"#, lazy: lazy, array: nan, "normalize with NaN")
        let reversed = #"{"id": "n", "builtin": "normalize", "config": {"low": 90, "high": 10}}"#
        let streamed = try #require(throws: BuiltinOpError.self) { try setup.run(setup.streaming, reversed, data: lazy) }
        let whole = try #require(throws: BuiltinOpError.self) { try setup.run(setup.whole, reversed, data: nan.rpcValue) }
        #expect(streamed.description == whole.description)
    }

    @Test(
        "streamed percentiles equal the in-memory ones at every selection depth",
        arguments: [DType.float32, .float64, .int32, .uint32, .int64, .uint64, .uint16, .int8])
    func percentiles(dtype: DType) throws {
        let setup = try Setup()
        var values = try Self.image(.float64, shape: [3, 50, 70], seed: 9).elements(as: Double.self)
        // Ties, both zeros and the infinities (floats); a cluster that shares its high key bits.
        for i in stride(from: 0, to: values.count, by: 13) { values[i] = values[i / 13] }
        for i in stride(from: 5, to: values.count, by: 101) { values[i] = 1 + Double(i % 7) * 0x1p-40 }
        if dtype.isFloatingPoint {
            values[10] = .infinity
            values[11] = -.infinity
            values[12] = -0.0
        }
        let scale: Double = dtype.isFloatingPoint ? 1 : Double(dtype.byteSize == 8 ? 1 << 40 : dtype.byteSize == 4 ? 1 << 20 : 1)
        let array = try NDArray(shape: [3, 50, 70], elements: values.map { $0.isFinite ? $0 * scale : $0 }).converted(to: dtype)
        let lazy = try LazyArray(rpcValue: setup.lazy(array, name: "a.h5").lazy, blockBudget: 1 << 16)
        let ps = [0, 0.1, 1, 25, 50, 63.7, 99.8, 100]
        let expected = try NormalizeKernel.percentiles(array, ps)
        // 0: every bucket histogrammed down to all 64 key bits; then collected at each depth.
        for collectLimit in [0, 40, 1000, 1 << 20] {
            let streamed = try NormalizeKernel.percentiles(lazy, ps, blockBytes: 2000, collectLimit: collectLimit)
            #expect(
                streamed.map(\.bitPattern) == expected.map(\.bitPattern),
                "\(dtype) collecting ≤ \(collectLimit): \(streamed) vs \(expected)")
        }
    }

    /// Source and target dtypes of the rescale test: float → 8/16-bit integers, integer → float,
    /// narrowing and widening integers, float → 64-bit integers (their range not exact in float64), same dtype.
    static func rescalePairs() -> [(DType, DType)] {
        [
            (.float32, .uint8), (.float64, .uint16), (.int16, .float32), (.uint16, .uint8), (.float32, .float64), (.int32, .int8),
            (.float64, .int64), (.uint8, .uint32), (.float32, .uint64), (.uint16, .uint16),
        ]
    }

    @Test("convert-dtype rescale: the same extremes and result as in memory", arguments: rescalePairs())
    func rescale(source: DType, target: DType) throws {
        let setup = try Setup()
        let (lazy, array) = try setup.lazy(Self.image(source, shape: [5, 160, 200], seed: 7), name: "a.h5")
        let op = #"{"id": "r", "builtin": "convert-dtype", "config": {"dtype": "\#(target.rawValue)", "rescale": "yes"}}"#
        let streamed = try setup.expectSame(op, lazy: lazy, array: array, "rescale \(source) → \(target)")
        let record = try #require(Self.lastTransform(streamed), "\(source) → \(target): still lazy")
        #expect(record["op"] == "convert-dtype" && record["dtype"]?.stringValue == target.rawValue)
        let expected = StatsKernel.compute(array)
        let recorded = [LazyArray.exactNumber(record["rescale"]?["min"]), LazyArray.exactNumber(record["rescale"]?["max"])]
        #expect(
            recorded.map { $0?.bitPattern } == [expected.min.bitPattern, expected.max.bitPattern],
            "\(source) → \(target): \(recorded) vs \(expected.min), \(expected.max)")
    }

    @Test("convert-dtype rescale of constant arrays, of arrays with NaN or infinity, and at signed zeros, as in memory")
    func rescaleSpecialCases() throws {
        let setup = try Setup()
        let shape = [4, 30, 40]
        let n = shape.reduce(1, *)
        var cases: [(String, NDArray)] = [
            ("constant float32", try NDArray(shape: shape, elements: [Float](repeating: 7.25, count: n))),
            ("constant int16", try NDArray(shape: shape, elements: [Int16](repeating: -300, count: n))),
            ("constant uint8", try NDArray(shape: shape, elements: [UInt8](repeating: 255, count: n))),
            // Extremes of both signs of zero only: which zero is the minimum depends on the order.
            ("signed zeros", try NDArray(shape: shape, elements: (0..<n).map { Float($0 % 5 == 0 ? 0 : -0.0) })),
        ]
        var values = try Self.image(.float32, shape: shape).elements(as: Float.self)
        values[1234] = .nan
        cases.append(("NaN", try NDArray(shape: shape, elements: values)))
        values[1234] = .infinity
        cases.append(("infinity", try NDArray(shape: shape, elements: values)))
        values[17] = -.infinity
        cases.append(("both infinities", try NDArray(shape: shape, elements: values)))
        for (index, (label, array)) in cases.enumerated() {
            let lazy = try setup.lazy(array, name: "c\(index).h5").lazy
            for target in [DType.uint8, .uint16, .int16, .int64, .float32, .float64] {
                let op = #"{"id": "r", "builtin": "convert-dtype", "config": {"dtype": "\#(target.rawValue)", "rescale": "yes"}}"#
                try setup.expectSame(op, lazy: lazy, array: array, "rescale \(label) → \(target)")
            }
        }
    }

    /// The `stats` JSON of `lazy` streamed and of `array` in memory, and the statistics' bits
    /// from the streamed passes in blocks of several sizes.
    static func expectSameStats(_ setup: Setup, lazy: JSONValue, array: NDArray, _ label: String) throws {
        let op = #"{"id": "s", "builtin": "stats"}"#
        // Needing the whole array, the streaming invoker would fail (tooLarge): a result is a streamed one.
        let streamed = try setup.run(setup.streaming, op, data: lazy)
        let expected = try setup.run(setup.whole, op, data: array.rpcValue)
        #expect(streamed == expected, "\(label): \(streamed) vs \(expected)")
        let stats = StatsKernel.compute(array)
        let bits = { (s: ArrayStats) in [s.min, s.max, s.mean, s.std].map(\.bitPattern) }
        let opened = try LazyArray(rpcValue: lazy, blockBudget: 1 << 16)
        // 1600 bytes: rows of 200 float64s, so a chunk of the sums ends with a block.
        for blockBytes in [1600, 3000, 1 << 20] {
            let passes = try StatsKernel.compute(opened, blockBytes: blockBytes)
            #expect(bits(passes) == bits(stats), "\(label) in blocks of \(blockBytes) bytes: \(passes) vs \(stats)")
            #expect(passes.integerMin == stats.integerMin && passes.integerMax == stats.integerMax && passes.count == stats.count)
        }
    }

    @Test(
        "stats: the same JSON and statistics as in memory", arguments: [DType.uint8, .uint16, .int16, .int32, .int64, .float32, .float64])
    func stats(dtype: DType) throws {
        let setup = try Setup()
        // 224 000 elements: the in-memory sums add three chunks (StatsKernel.sumChunk).
        let (lazy, array) = try setup.lazy(Self.image(dtype, shape: [7, 160, 200], seed: 11), name: "a.h5")
        try Self.expectSameStats(setup, lazy: lazy, array: array, "stats \(dtype)")
    }

    @Test("stats after other ops, of bool arrays, and with NaN or infinities, as in memory")
    func statsSpecialCases() throws {
        let setup = try Setup()
        let (lazy, array) = try setup.lazy(Self.image(.uint16, shape: [5, 40, 50], seed: 2), name: "a.zarr")
        let smooth = #"{"id": "g", "builtin": "gaussian", "config": {"sigma": 1.5}}"#
        let smoothed = try setup.run(setup.streaming, smooth, data: lazy)
        let wholeSmoothed = try NDArray(rpcValue: setup.run(setup.whole, smooth, data: array.rpcValue))
        try Self.expectSameStats(setup, lazy: smoothed, array: wholeSmoothed, "stats after gaussian")
        let crop = #"{"id": "c", "builtin": "crop", "config": {"region": "1:, ::-2, 3:"}}"#
        let cropped = try setup.run(setup.streaming, crop, data: lazy)
        let wholeCropped = try NDArray(rpcValue: setup.run(setup.whole, crop, data: array.rpcValue))
        try Self.expectSameStats(setup, lazy: cropped, array: wholeCropped, "stats after crop")
        let flags = try NDArray(shape: [5, 40, 50], elements: Self.noise(10_000, seed: 6).map { $0 < 0.3 ? 1.0 : 0 }).converted(to: .bool)
        let booleans = try setup.lazy(flags, name: "b.zarr")
        try Self.expectSameStats(setup, lazy: booleans.lazy, array: booleans.array, "stats of bool")
        let shape = [7, 160, 200]
        var values = try Self.image(.float64, shape: shape, seed: 4).elements(as: Double.self)
        values[100_000] = .infinity
        let infinite = try NDArray(shape: shape, elements: values)
        values[3] = -.infinity
        let infinities = try NDArray(shape: shape, elements: values)
        values[150_000] = .nan
        let nan = try NDArray(shape: shape, elements: values)
        for (index, (label, array)) in [("infinity", infinite), ("both infinities", infinities), ("NaN", nan)].enumerated() {
            for dtype in [DType.float32, .float64] {
                let converted = try array.converted(to: dtype)
                let lazy = try setup.lazy(converted, name: "s\(index)-\(dtype).h5").lazy
                try Self.expectSameStats(setup, lazy: lazy, array: converted, "stats with \(label), \(dtype)")
            }
        }
    }

    @Test("the float64 test image tells the chunked std from a plain running sum")
    func stdOrderMatters() throws {
        let array = try Self.image(.float64, shape: [7, 160, 200], seed: 11)
        let values = try array.elements(as: Double.self)
        let stats = StatsKernel.compute(array)
        let plain = (values.reduce(0) { $0 + ($1 - stats.mean) * ($1 - stats.mean) } / Double(values.count)).squareRoot()
        #expect(plain != stats.std, "a std summed in another order would pass the stats test")
    }

    @Test("order keys sort like the values")
    func orderKeys() {
        let values: [Double] = [-.infinity, -1e300, -2, -1, -.leastNonzeroMagnitude, 0, .leastNonzeroMagnitude, 1, 2, 1e300, .infinity]
        let keys = values.map(NormalizeKernel.orderKey)
        #expect(keys == keys.sorted() && Set(keys).count == keys.count)
        #expect(NormalizeKernel.orderKey(-0.0) == NormalizeKernel.orderKey(0))
        #expect(values.map { NormalizeKernel.value(ofKey: NormalizeKernel.orderKey($0)) } == values)
    }
}
