import Foundation
import ImJoySchema
import ImJoyWorkflow
import ImageIO
import Testing

@testable import ImJoyEngine

let allDTypes = ["bool", "uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]

@Suite struct ThresholdKernelTests {
    @Test(arguments: ["float64", "float32", "uint8", "uint16", "int16"])
    func otsuMatchesSkimagesAlgorithm(_ dtype: String) throws {
        let reference = try PythonReference(
            """
            rng = np.random.default_rng(7)
            a = np.concatenate([rng.normal(60, 12, 3000), rng.normal(170, 20, 2000)]).reshape(50, 100)
            a = np.clip(a, 0, 255).astype('\(dtype)')
            save('input', a)
            t = otsu_reference(a)
            value('threshold', t)
            save('mask', np.where(a > t, 255, 0).astype(np.uint8))
            """)
        defer { reference.remove() }
        let input = try reference.array("input")
        let threshold = try ThresholdKernel.otsu(input)
        let expected = try #require(try reference.value("threshold").doubleValue)
        #expect(abs(threshold - expected) <= 1e-9 * max(abs(expected), 1), "\(threshold) vs \(expected)")
        let mask = try ThresholdKernel.mask(input, threshold: threshold, foreground: 255)
        #expect(mask == (try reference.array("mask")))
    }

    @Test func otsuOfTwoValuesSplitsThem() throws {
        // Two values: every split between them has the same between-class variance, so the first
        // bin's center wins: lo + (hi - lo) / 512.
        var values = [Float](repeating: 10, count: 60)
        values += [Float](repeating: 200, count: 40)
        let input = try NDArray(shape: [10, 10], elements: values)
        let threshold = try ThresholdKernel.otsu(input)
        #expect(abs(threshold - (10 + 190.0 / 512)) < 1e-12)
        let mask = try ThresholdKernel.mask(input, threshold: threshold, foreground: 1)
        #expect(try mask.elements(as: UInt8.self) == values.map { $0 > 100 ? 1 : 0 })
    }

    @Test func otsuOfSymmetricBimodalIsTheMidpoint() throws {
        // Equal-weight clusters at 0..9 and 246..255 (uint8, full range): the optimum separates them.
        var values: [UInt8] = []
        for v in 0..<10 { values += [UInt8](repeating: UInt8(v), count: 10) }
        for v in 246..<256 { values += [UInt8](repeating: UInt8(v), count: 10) }
        let threshold = try ThresholdKernel.otsu(try NDArray(shape: [values.count], elements: values))
        #expect(threshold > 9 && threshold < 246)
    }

    @Test func emptyAndNonFiniteImagesAreErrors() throws {
        #expect(throws: KernelError.self) { try ThresholdKernel.otsu(try NDArray(zeros: [0], dtype: .float32)) }
        #expect(throws: KernelError.self) { try ThresholdKernel.threshold(try NDArray(zeros: [0], dtype: .uint8), method: .mean, value: 0) }
        #expect(throws: KernelError.self) { try ThresholdKernel.otsu(try NDArray(shape: [2], elements: [Float(1), .infinity])) }
    }

    @Test func constantImageReturnsItsValue() throws {
        let input = try NDArray(shape: [3, 3], elements: [Float](repeating: 4, count: 9))
        #expect(try ThresholdKernel.otsu(input) == 4)
        #expect(try ThresholdKernel.mask(input, threshold: 4, foreground: 1).elements(as: UInt8.self) == [UInt8](repeating: 0, count: 9))
    }

    @Test func meanAndValueMethods() throws {
        let reference = try PythonReference(
            """
            a = sample([13, 9], 'uint16', seed=2)
            save('input', a)
            save('mean', (a > a.astype(np.float64).mean()).astype(np.uint8) * 7)
            save('value', (a > 100.5).astype(np.uint8))
            """)
        defer { reference.remove() }
        let input = try reference.array("input")
        let mean = try ThresholdKernel.threshold(input, method: .mean, value: 0)
        #expect(try ThresholdKernel.mask(input, threshold: mean, foreground: 7) == reference.array("mean"))
        let fixed = try ThresholdKernel.threshold(input, method: .value, value: 100.5)
        #expect(try ThresholdKernel.mask(input, threshold: fixed, foreground: 1) == reference.array("value"))
    }
}

@Suite struct NormalizeKernelTests {
    @Test(arguments: ["float32", "uint16", "int8", "float64", "uint8"])
    func matchesNumpyPercentiles(_ dtype: String) throws {
        let reference = try PythonReference(
            """
            a = sample([3, 17, 11], '\(dtype)', seed=5)
            save('input', a)
            for low, high in [(1, 99.8), (0, 100), (25, 75), (3.3, 96.1)]:
                lo, hi = np.percentile(a, [low, high])
                y = (a.astype(np.float64) - lo) / max(hi - lo, 1e-12)
                save(f'noclip-{low}-{high}', y.astype(np.float32))
                save(f'clip-{low}-{high}', np.clip(y, 0, 1).astype(np.float32))
                value(f'p-{low}-{high}', [float(lo), float(hi)])
            """)
        defer { reference.remove() }
        let input = try reference.array("input")
        for (low, high, label) in [(1.0, 99.8, "1-99.8"), (0, 100, "0-100"), (25, 75, "25-75"), (3.3, 96.1, "3.3-96.1")] {
            let p = try NormalizeKernel.percentiles(input, [low, high])
            let expected = try reference.value("p-\(label)").arrayValue!.map { $0.doubleValue! }
            #expect(
                abs(p[0] - expected[0]) <= 1e-12 * max(1, abs(expected[0])) && abs(p[1] - expected[1]) <= 1e-12 * max(1, abs(expected[1])),
                "\(p) vs \(expected)")
            for clip in [true, false] {
                let result = try NormalizeKernel.normalize(input, low: low, high: high, clip: clip)
                let wanted = try reference.array("\(clip ? "clip" : "noclip")-\(label)")
                #expect(result.dtype == .float32)
                #expect(try maxAbsDifference(result, wanted) <= 1e-6 * max(1, try maxAbs(wanted)))
            }
        }
    }

    @Test func quickselectAgreesWithSorting() {
        var generator = SystemRandomNumberGenerator()
        for trial in 0..<50 {
            let count = Int.random(in: 1...3000, using: &generator)
            let spread = trial % 3 == 0 ? 5.0 : 1e6  // many duplicates in every third trial
            let values = (0..<count).map { _ in (Double.random(in: 0..<spread, using: &generator)).rounded() }
            let sorted = values.sorted()
            for k in [0, count / 3, count / 2, count - 1] {
                var copy = values
                #expect(NormalizeKernel.select(&copy, k) == sorted[k])
                #expect(copy[(k + 1)...].allSatisfy { $0 >= sorted[k] } && copy[..<k].allSatisfy { $0 <= sorted[k] })
            }
        }
    }

    @Test func nanGivesNaNPercentiles() throws {
        let input = try NDArray(shape: [3], elements: [Float(1), .nan, 3])
        #expect(try NormalizeKernel.percentiles(input, [50]).allSatisfy(\.isNaN))
    }

    @Test func constantImageUsesTheEpsilon() throws {
        let input = try NDArray(shape: [4], elements: [Float](repeating: 3, count: 4))
        #expect(try NormalizeKernel.normalize(input, low: 1, high: 99, clip: false).elements(as: Float.self) == [0, 0, 0, 0])
    }
}

@Suite struct ProjectionKernelTests {
    @Test(arguments: allDTypes)
    func maxAndMeanMatchNumpy(_ dtype: String) throws {
        let reference = try PythonReference(
            """
            a = sample([4, 5, 6], '\(dtype)', seed=11)
            save('input', a)
            for axis in range(3):
                save(f'max{axis}', a.max(axis=axis))
                save(f'mean{axis}', a.mean(axis=axis, dtype=np.float64).astype(np.float32))
            """)
        defer { reference.remove() }
        let input = try reference.array("input")
        for axis in 0..<3 {
            let maximum = try ProjectionKernel.max(input, axis: axis)
            #expect(maximum == (try reference.array("max\(axis)")), "max axis \(axis)")
            let mean = try ProjectionKernel.mean(input, axis: axis)
            let expected = try reference.array("mean\(axis)")
            #expect(mean.dtype == .float32)
            #expect(try maxAbsDifference(mean, expected) <= 1e-6 * max(1, try maxAbs(expected)), "mean axis \(axis)")
        }
    }

    @Test func nanPropagatesAndAxisIsChecked() throws {
        let input = try NDArray(shape: [3, 2], elements: [Float(1), .nan, 5, 2, 3, 4])
        #expect(try ProjectionKernel.max(input, axis: 0).elements(as: Float.self).map(\.isNaN) == [false, true])
        #expect(try ProjectionKernel.max(input, axis: 0).elements(as: Float.self)[0] == 5)
        #expect(throws: KernelError.self) { try ProjectionKernel.max(input, axis: 2) }
        #expect(throws: KernelError.self) { try ProjectionKernel.mean(input, axis: 5) }
        let single = try NDArray(shape: [1, 1, 3], elements: [Int16(-4), 9, 2])
        #expect(try ProjectionKernel.max(single, axis: 1).shape == [1, 3])
        #expect(try ProjectionKernel.mean(single, axis: 2).elements(as: Float.self) == [Float(7.0 / 3.0)])
    }
}

@Suite struct CropKernelTests {
    static let regions = [
        ":", "", "2:5", "1:, :3", "-3:, ::2", "::-1", "5:1:-2, 1", "10:200, :, 5:", "-100:100, -1:", "3:3",
        "1, 2", "::3, ::-2, 1:", ":, :, -1", "0:1, 0:1, 0:1",
    ]

    @Test func matchesNumpySlicing() throws {
        let list = Self.regions.map { "'\($0)'" }.joined(separator: ", ")
        let reference = try PythonReference(
            """
            a = sample([7, 8, 9], 'int16', seed=1)
            save('input', a)
            for i, region in enumerate([\(list)]):
                save(f'r{i}', eval(f'a[{region}]') if region.strip() else a)
            """)
        defer { reference.remove() }
        let input = try reference.array("input")
        for (i, region) in Self.regions.enumerated() {
            #expect(try CropKernel.crop(input, region: region) == (try reference.array("r\(i)")), "region '\(region)'")
        }
    }

    @Test func rejectsBadRegions() throws {
        let input = try NDArray(zeros: [4, 4], dtype: .uint8)
        for region in ["1:2, 1:2, 1:2", "a:b", "::0", "1:2:3:4", "9", "-5", "1,,2"] {
            #expect(throws: KernelError.self, "region '\(region)'") { try CropKernel.crop(input, region: region) }
        }
    }
}

@Suite struct ConvertKernelTests {
    static let targets = [
        "uint8", "uint16", "uint32", "int8", "int16", "int32", "int64", "uint64", "float32", "float64", "bool", "float16",
    ]

    @Test(arguments: allDTypes)
    func matchesNumpy(_ source: String) throws {
        let list = Self.targets.map { "'\($0)'" }.joined(separator: ", ")
        let reference = try PythonReference(
            """
            a = sample([5, 7], '\(source)', seed=4)
            if a.dtype.kind == 'f':
                a.reshape(-1)[:4] = [np.nan, 1e30, -1e30, -0.7]
            save('input', a)
            x = a.astype(np.float64)
            finite = np.isfinite(x)
            lo, hi = (x.min(), x.max()) if not np.isnan(x).any() else (np.nan, np.nan)
            for t in [\(list)]:
                dt = np.dtype(t)
                if dt.kind in 'iu' and a.dtype.kind == 'f':
                    info = np.iinfo(dt)
                    y = np.trunc(np.nan_to_num(x, nan=0.0))
                    out = np.empty(x.shape, dtype=dt)
                    low, high = y <= float(info.min), y >= float(info.max)
                    out[low] = info.min
                    out[high] = info.max
                    mid = ~(low | high)
                    out[mid] = y[mid].astype(dt)
                    save('plain-' + t, out)
                else:
                    with np.errstate(all='ignore'):
                        save('plain-' + t, a.astype(dt))
                if np.isnan(lo):
                    continue
                if dt.kind in 'iu':
                    info = np.iinfo(dt)
                    span = hi - lo
                    scale = (float(info.max) - float(info.min)) / span if span > 0 else 0.0
                    y = np.round((x - lo) * scale + float(info.min))
                    out = np.empty(x.shape, dtype=dt)
                    low, high = y <= float(info.min), y >= float(info.max)
                    out[low] = info.min
                    out[high] = info.max
                    mid = ~(low | high)
                    out[mid] = y[mid].astype(dt)
                    save('rescale-' + t, out)
                elif dt.kind == 'b':
                    span = hi - lo
                    y = (x - lo) * (1.0 / span if span > 0 else 0.0)
                    save('rescale-' + t, y >= 0.5)
                else:
                    span = hi - lo
                    y = (x - lo) * (1.0 / span if span > 0 else 0.0)
                    save('rescale-' + t, y.astype(dt))
            """)
        defer { reference.remove() }
        let input = try reference.array("input")
        for target in Self.targets {
            let dtype = try #require(DType(rawValue: target))
            let plain = try ConvertKernel.convert(input, to: dtype, rescale: false)
            #expect(plain == (try reference.array("plain-\(target)")), "\(source) → \(target)")
            guard reference.meta["rescale-\(target)"] != nil else { continue }
            let rescaled = try ConvertKernel.convert(input, to: dtype, rescale: true)
            let expected = try reference.array("rescale-\(target)")
            if dtype.isFloatingPoint {
                #expect(try maxAbsDifference(rescaled, expected) <= 1e-3, "rescale \(source) → \(target)")
            } else {
                #expect(try maxAbsDifference(rescaled, expected) <= (dtype.byteSize == 8 ? 4096 : 0), "rescale \(source) → \(target)")
            }
        }
    }
}

@Suite struct StatsKernelTests {
    @Test(arguments: allDTypes)
    func matchesNumpy(_ dtype: String) throws {
        let reference = try PythonReference(
            """
            a = sample([6, 5, 4], '\(dtype)', seed=9)
            save('input', a)
            x = a.astype(np.float64)
            value('stats', [float(x.min()), float(x.max()), float(x.mean()), float(x.std())])
            """)
        defer { reference.remove() }
        let input = try reference.array("input")
        let expected = try reference.value("stats").arrayValue!.map { $0.doubleValue! }
        let json = StatsKernel.json(input)
        #expect(json["min"]?.doubleValue == expected[0])
        #expect(json["max"]?.doubleValue == expected[1])
        #expect(abs(json["mean"]!.doubleValue! - expected[2]) <= 1e-12 * max(1, abs(expected[2])))
        #expect(abs(json["std"]!.doubleValue! - expected[3]) <= 1e-12 * max(1, abs(expected[3])))
        #expect(json["shape"] == [6, 5, 4])
        #expect(json["dtype"] == .string(dtype))
        if !DType(rawValue: dtype)!.isFloatingPoint {
            #expect(json["min"]?.intValue != nil)
        }
    }

    @Test func extremesOf64BitIntegersAreExact() throws {
        let input = try NDArray(shape: [3], elements: [Int64.max, Int64.min, 0])
        let json = StatsKernel.json(input)
        #expect(json["min"] == .integer(Int64.min))
        #expect(json["max"] == .integer(Int64.max))
        let unsigned = StatsKernel.json(try NDArray(shape: [2], elements: [UInt64.max, 1]))
        #expect(unsigned["max"]?.doubleValue == Double(UInt64.max))
    }

    @Test func emptyAndNaN() throws {
        let empty = StatsKernel.json(try NDArray(zeros: [0, 3], dtype: .float32))
        #expect(empty["mean"] == .null)
        let nan = StatsKernel.json(try NDArray(shape: [2], elements: [Float.nan, 1]))
        #expect(nan["max"] == .null)
    }
}

/// `stats` of an empty or all-NaN array fits its own outputs schema (nulls for undefined values).
@Suite struct StatsSchemaTests {
    @Test(arguments: [
        try! NDArray(shape: [0], elements: [Float]()),
        try! NDArray(shape: [2], elements: [Float.nan, Float.nan]),
        try! NDArray(shape: [2], elements: [Float.infinity, -Float.infinity]),
    ])
    func undefinedStatisticsAreNullAndValid(_ array: NDArray) throws {
        let result = StatsKernel.json(array)
        let schema = try #require(try BuiltinOps.description("stats")?.compiledOutputs())
        #expect(schema.isValid(result), "\(result.serialized())")
        #expect(result["mean"] == .null)
    }
}
