import Foundation
import ImJoySchema
import TestSupport
import Testing

@testable import ImageIO

@Suite("HDF5 writes read back bit-exact in h5py and here")
struct HDF5RoundTripTests {
    static let layouts: [HDF5Layout] = [
        .contiguous,
        .chunked(chunkShape: [2, 16, 16], compression: .deflate(level: 4), shuffle: true),
        .chunked(chunkShape: [1, 7, 9], compression: .deflate(level: 1), shuffle: false),
        .chunked(chunkShape: [3, 20, 20], compression: .none, shuffle: false),
    ]

    @Test("every dtype × layout", PythonCheck.required, arguments: DType.allCases, layouts.indices)
    func writeThenReadEverywhere(dtype: DType, layoutIndex: Int) throws {
        let layout = Self.layouts[layoutIndex]
        let directory = try Fixtures.temporaryDirectory("h5-rt")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("out.h5")
        let array = try makeTestArray(shape: [3, 37, 29], dtype: dtype, seed: 3)
        let writer = try HDF5Writer(url: url)
        try writer.writeDataset("/item1/blur", array, layout: layout)
        try writer.commit()
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.h5"])

        let file = try HDF5File(contentsOf: url)
        #expect(try file.readDataset("/item1/blur") == array)
        #expect(file.kind(at: "/item1") == .group)
        #expect(file.kind(at: "/item1/blur") == .dataset)

        let (facts, bytes) = try PythonCheck.readHDF5(url, dataset: "/item1/blur")
        #expect(facts["dtype"]?.stringValue == dtype.rawValue)
        #expect(facts["shape"]?.arrayValue?.compactMap(\.intValue) == [3, 37, 29])
        if case .chunked(let chunks, let compression, let shuffle) = layout {
            #expect(facts["chunks"]?.arrayValue?.compactMap(\.intValue) == chunks)
            #expect(facts["shuffle"]?.boolValue == shuffle)
            if case .deflate(let level) = compression {
                #expect(facts["compression"]?.stringValue == "gzip")
                #expect(facts["compression_opts"]?.intValue == level)
            } else {
                #expect(facts["compression"]?.isNull == true)
            }
        } else {
            #expect(facts["chunks"]?.isNull == true)
        }
        #expect(array.withUnsafeBytes { Array($0) } == bytes, "h5py read different values")
    }

    @Test("many items in one file, groups and attributes", PythonCheck.required)
    func itemsGroupsAttributes() throws {
        let directory = try Fixtures.temporaryDirectory("h5-rt")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("items.h5")
        let writer = try HDF5Writer(url: url)
        var arrays: [String: NDArray] = [:]
        for item in 0..<3 {
            for op in ["raw", "mask"] {
                let path = "/item\(item)/\(op)"
                let array = try makeTestArray(shape: [20, 30], dtype: op == "raw" ? .uint16 : .bool, seed: UInt64(item))
                arrays[path] = array
                try writer.writeDataset(path, array, layout: .chunked())
                try writer.setAttribute("op", to: .string(op), at: path)
            }
        }
        try writer.setAttribute("sigma", to: .number(1.5), at: "/item0/raw")
        try writer.setAttribute("count", to: .integer(-42), at: "/item0/raw")
        try writer.setAttribute("shape", to: .integers([20, 30]), at: "/item0/raw")
        try writer.setAttribute("weights", to: .numbers([0.25, -1]), at: "/item0/raw")
        try writer.setAttribute("tags", to: .strings(["a", "ß✓"]), at: "/item0/raw")
        let provenance = try JSONValue(jsonText: #"{"workflow":"w.yaml","inputs":[1,2.5,"x"]}"#)
        try writer.setJSONAttribute("provenance", to: provenance)
        try writer.commit()

        let file = try HDF5File(contentsOf: url)
        #expect(try file.datasetPaths().sorted() == arrays.keys.sorted())
        for (path, array) in arrays { #expect(try file.readDataset(path) == array) }
        let attributes = Dictionary(uniqueKeysWithValues: try file.attributes(of: "/item0/raw").map { ($0.name, $0.value) })
        #expect(attributes["sigma"] == .number(1.5))
        #expect(attributes["count"] == .integer(-42))
        #expect(attributes["shape"] == .integers([20, 30]))
        #expect(attributes["weights"] == .numbers([0.25, -1]))
        #expect(attributes["tags"] == .strings(["a", "ß✓"]))
        #expect(attributes["op"] == .string("raw"))
        let root = try file.attributes(of: "/")
        #expect(
            try root.first { $0.name == "provenance" }.flatMap {
                if case .string(let s) = $0.value { try JSONValue(jsonText: s) } else { nil }
            } == provenance)

        let (facts, bytes) = try PythonCheck.readHDF5(url, dataset: "/item0/raw")
        #expect(facts["groups"]?.arrayValue?.compactMap(\.stringValue) == ["item0", "item1", "item2"])
        let pyAttributes = try #require(facts["attrs"])
        #expect(pyAttributes["sigma"]?.doubleValue == 1.5)
        #expect(pyAttributes["count"]?.intValue == -42)
        #expect(pyAttributes["op"]?.stringValue == "raw")
        #expect(pyAttributes["tags"]?.arrayValue?.compactMap(\.stringValue) == ["a", "ß✓"])
        #expect(arrays["/item0/raw"]!.withUnsafeBytes { Array($0) } == bytes)
    }

    @Test(
        "files h5py writes read back bit-exact", PythonCheck.required,
        arguments: [
            (#"{"shape": [4, 33, 21], "dtype": "uint16", "kwargs": {"chunks": [1, 16, 16], "compression": "gzip", "compression_opts": 5, "shuffle": true}}"#),
            (#"{"shape": [4, 33, 21], "dtype": "float32", "kwargs": {"chunks": true, "compression": "gzip"}}"#),
            (#"{"shape": [10, 11], "dtype": "int64", "kwargs": {}}"#),
            (#"{"shape": [10, 11], "dtype": "float16", "kwargs": {"chunks": [3, 3], "fletcher32": true}}"#),
            (#"{"shape": [10, 11], "dtype": "bool", "kwargs": {"compression": "gzip"}}"#),
            (#"{"shape": [5, 6, 7], "dtype": "int8", "kwargs": {"chunks": [5, 6, 7], "shuffle": true}}"#),
            (#"{"shape": [100], "dtype": "uint64", "kwargs": {"compression": "lzf"}}"#),
            (#"{"shape": [9, 9], "dtype": "float64", "kwargs": {"scaleoffset": 0}}"#),
            (#"{"shape": [2, 3, 4, 5, 6], "dtype": "uint32", "dataset": "/a/b/c/deep", "kwargs": {"chunks": [1, 2, 2, 5, 6], "compression": "gzip"}, "attrs": {"unit": "um", "scale": [0.5, 0.5], "n": 3}}"#),
            (#"{"shape": [16, 16], "dtype": ">i2", "kwargs": {}}"#),
        ])
    func readH5pyOutput(spec: String) throws {
        let directory = try Fixtures.temporaryDirectory("h5-read")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("in.h5")
        let specValue = try JSONValue(jsonText: spec)
        let datasetPath = specValue["dataset"]?.stringValue ?? "data"
        let expected: NDArray
        do {
            expected = try PythonCheck.write("write-h5", to: url, spec: spec)
        } catch {
            // lzf needs h5py's own plugin; HDF5 itself cannot decode it.
            if spec.contains("lzf") { return }
            throw error
        }
        let file = try HDF5File(contentsOf: url)
        if spec.contains("lzf") {
            #expect(throws: HDF5Error.self) { try file.readDataset(datasetPath) }
            return
        }
        let array = try file.readDataset(datasetPath)
        #expect(array.shape == expected.shape)
        #expect(array.dtype == (expected.dtype))
        #expect(array == expected, "\(spec)")
        if let attrs = specValue["attrs"]?.objectValue {
            let read = Dictionary(uniqueKeysWithValues: try file.attributes(of: datasetPath).map { ($0.name, $0.value.jsonValue) })
            for (key, value) in attrs {
                #expect(read[key] == value, "\(key)")
            }
        }
    }
}
