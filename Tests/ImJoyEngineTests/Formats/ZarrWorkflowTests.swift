import Foundation
import ImJoySchema
import ImageIO
import TestSupport
import Testing

@testable import ImJoyEngine

/// OME-Zarr through whole runs (`WorkflowRun`): `write-zarr`, `output.format: "zarr"` per item
/// and shared, `read-zarr` inputs; the stores checked with zarr-python and ome-zarr-py.
@Suite(.enabled(if: ZarrWorkflowConditions.hasZarrPython, "python3 with zarr>=3, numcodecs and ome_zarr is not installed (scripts/setup)"))
struct ZarrWorkflowTests {
    /// Prints the facts of the image at argv[1] and whether its level 0 equals the float32 raw file argv[2].
    static let checkScript = """
        import sys, json, zarr, numpy as np
        from ome_zarr.io import parse_url
        from ome_zarr.reader import Reader
        store, raw = sys.argv[1], sys.argv[2]
        group = zarr.open_group(store, mode="r")
        a = group["0"][...]
        expected = np.fromfile(raw, dtype=a.dtype.newbyteorder("<")).reshape(a.shape)
        node = list(Reader(parse_url(store))())[0]
        ms = node.metadata
        print(json.dumps({"equal": bool(np.array_equal(a, expected)), "dtype": str(a.dtype), "levels": len(node.data),
            "axes": [x["name"] for x in ms["axes"]], "scales": [t[0]["scale"] for t in ms["coordinateTransformations"]],
            "format": group.metadata.zarr_format, "provenance": "imjoy_provenance" in group.attrs,
            "chunks": list(group["0"].chunks)}))
        """

    static func check(_ store: URL, expected: NDArray, in folder: URL) throws -> JSONValue {
        let raw = folder.appendingPathComponent("expected-\(UUID().uuidString).raw")
        defer { try? FileManager.default.removeItem(at: raw) }
        try expected.withUnsafeBytes { try Data($0).write(to: raw) }
        let result = try CommandRunner.python(checkScript, [store.path, raw.path])
        guard result.status == 0 else { throw ZarrWorkflowFailure("python failed on \(store.path): \(result.standardError)") }
        return try JSONValue(jsonText: result.standardOutput)
    }

    /// The gaussian (sigma 1.5) of the fixture's TIFF `index`, as the run computes it.
    static func smoothed(_ fixture: RunFixture, _ index: Int) throws -> NDArray {
        let array = try TIFFFormat().read(fixture.directory.appendingPathComponent("img_\(index).tif"), name: nil)
        return try GaussianKernel.apply(array, sigma: [1.5], truncate: 4, mode: .reflect)
    }

    @Test("read TIFF → gaussian → write-zarr: values bit-exact, axes, scales, levels", arguments: ["0.4", "0.5"])
    func writeZarrOp(version: String) throws {
        let workflow = """
            {"name": "z", "version": "1.0", "inputs": {"images": {"glob": "*.tif"}},
             "ops": [{"id": "load", "builtin": "read-tiff"},
                     {"id": "smooth", "builtin": "gaussian", "config": {"sigma": 1.5}},
                     {"id": "save", "builtin": "write-zarr", "config": {"version": "\(version)", "chunks": "16, 8", "levels": 1, "compressor": "blosc-zstd", "level": 3}}]}
            """
        let fixture = try RunFixture(count: 2, workflow: workflow)
        defer { fixture.remove() }
        let summary = try fixture.run()
        #expect(summary.status == .succeeded)
        #expect(Set(summary.outputs) == ["img_0/save.ome.zarr", "img_1/save.ome.zarr"], "\(summary.outputs)")
        for index in 0..<2 {
            let store = fixture.out.appendingPathComponent("img_\(index)/save.ome.zarr")
            let facts = try Self.check(store, expected: Self.smoothed(fixture, index), in: fixture.directory)
            #expect(facts["equal"] == true)
            #expect(facts["dtype"]?.stringValue == "float32")
            #expect(facts["format"]?.intValue == (version == "0.4" ? 2 : 3))
            #expect(facts["levels"]?.intValue == 2)
            #expect(facts["axes"] == ["y", "x"])
            #expect(facts["scales"] == [[1, 1], [2, 2]])
            #expect(facts["chunks"] == [16, 8])
            #expect(facts["provenance"] == true)
        }
    }

    @Test("output.format zarr: a store per item, or one collection for all items")
    func outputFormatZarr() throws {
        let workflow = """
            {"name": "z", "version": "1.0", "inputs": {"images": {"glob": "*.tif"}},
             "ops": [{"id": "load", "builtin": "read-tiff"},
                     {"id": "smooth", "builtin": "gaussian", "config": {"sigma": 1.5}, "output": {"format": "zarr"}},
                     {"id": "copy", "builtin": "gaussian", "data": "$load", "config": {"sigma": 1.5}, "output": {"format": "zarr", "path": "all.zarr"}},
                     {"id": "plate", "builtin": "write-zarr", "data": "$load", "config": {"path": "plate.ome.zarr"}}]}
            """
        let fixture = try RunFixture(count: 2, workflow: workflow)
        defer { fixture.remove() }
        let summary = try fixture.run()
        #expect(summary.status == .succeeded)
        #expect(
            Set(summary.outputs) == [
                "img_0/smooth.zarr", "img_1/smooth.zarr", "all.zarr/img_0/copy", "all.zarr/img_1/copy",
                "plate.ome.zarr/img_0", "plate.ome.zarr/img_1",
            ], "\(summary.outputs)")
        #expect(try OMEZarr.images(inCollection: fixture.out.appendingPathComponent("plate.ome.zarr")) == ["img_0", "img_1"])
        #expect(summary.warnings.isEmpty, "\(summary.warnings)")
        #expect(try ZarrFormat().arrayNames(in: fixture.out.appendingPathComponent("all.zarr")) == ["img_0/copy", "img_1/copy"])
        for index in 0..<2 {
            let expected = try Self.smoothed(fixture, index)
            let perItem = try Self.check(
                fixture.out.appendingPathComponent("img_\(index)/smooth.zarr"), expected: expected, in: fixture.directory)
            #expect(perItem["equal"] == true && perItem["provenance"] == true && perItem["levels"]?.intValue == 1)
            let shared = try Self.check(
                fixture.out.appendingPathComponent("all.zarr/img_\(index)/copy"), expected: expected, in: fixture.directory)
            #expect(shared["equal"] == true && shared["provenance"] == true)
            let raw = try TIFFFormat().read(fixture.directory.appendingPathComponent("img_\(index).tif"), name: nil)
            let plate = try Self.check(
                fixture.out.appendingPathComponent("plate.ome.zarr/img_\(index)"), expected: raw, in: fixture.directory)
            #expect(plate["equal"] == true && plate["dtype"]?.stringValue == "uint16")
        }
        // The completion records hash the stores: a resumed run skips both items.
        var options = fixture.options()
        options.resume = true
        let resumed = try fixture.run(options)
        #expect(resumed.resumed == 2 && resumed.warnings.isEmpty, "\(resumed.resumed) \(resumed.warnings)")
    }

    @Test("--format zarr, and read-zarr inputs (a store's root image, a collection's image)")
    func runFormatAndReadZarr() throws {
        let fixture = try RunFixture(count: 1, workflow: "{}")
        defer { fixture.remove() }
        let stack = try NDArray(shape: [3, 8, 6], elements: (0..<144).map { UInt16($0 * 13) })
        try OMEZarr.write(stack, to: fixture.directory.appendingPathComponent("a.ome.zarr"), options: .init(format: .v3))
        try ZarrFormat().add(stack, at: "plate/well", to: fixture.directory.appendingPathComponent("b.zarr"), options: .init())
        let workflow = """
            {"name": "z", "version": "1.0", "inputs": {"images": {"glob": "*.zarr"}},
             "ops": [{"id": "load", "builtin": "read-zarr"},
                     {"id": "top", "builtin": "max-projection", "config": {"axis": 0}}]}
            """
        try workflow.write(toFile: fixture.workflowFile, atomically: true, encoding: .utf8)
        var options = fixture.options()
        options.arrayFormat = try #require(ArrayFileFormat(rawValue: "zarr"))
        let summary = try fixture.run(options)
        #expect(summary.status == .succeeded)
        let keys = try FileManager.default.contentsOfDirectory(atPath: fixture.out.path).filter {
            !$0.hasPrefix(".") && $0 != "manifest.json"
        }.sorted()
        #expect(keys.count == 2, "\(keys)")
        let expected = try ProjectionKernel.max(stack, axis: 0)
        for key in keys {
            let back = try ZarrFormat().read(fixture.out.appendingPathComponent("\(key)/top.zarr"), name: nil)
            #expect(back == expected, "\(key)")
        }
    }
}

enum ZarrWorkflowConditions {
    /// python3 with zarr 3, numcodecs and ome-zarr-py.
    static let hasZarrPython: Bool =
        (try? CommandRunner.python("import zarr, numcodecs, ome_zarr; assert int(zarr.__version__.split('.')[0]) >= 3"))?.status == 0
}

struct ZarrWorkflowFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
