import Foundation
import ImJoySchema
import ImageIO
import TestSupport
import Testing

@testable import ImJoyEngine

/// Axes and pixel sizes travel with the array: an OME-Zarr input's `multiscales` through
/// gaussian (all kept) and a projection (its axis dropped) into OME-Zarr outputs.
@Suite(.enabled(if: ZarrWorkflowConditions.hasZarrPython, "python3 with zarr>=3 and ome_zarr is not installed (scripts/setup)"))
struct ArrayMetadataRunTests {
    static let script = """
        import sys, json
        from ome_zarr.io import parse_url
        from ome_zarr.reader import Reader
        out = {}
        for store in sys.argv[1:]:
            ms = list(Reader(parse_url(store))())[0].metadata
            out[store] = {"axes": ms["axes"], "scale": ms["coordinateTransformations"][0][0]["scale"]}
        print(json.dumps(out))
        """

    @Test func zarrAxesAndScalesSurviveGaussianAndProjection() throws {
        let fixture = try RunFixture(
            count: 0,
            workflow: """
                {"name": "m", "version": "1.0", "inputs": {"images": {"glob": "*.zarr"}},
                 "ops": [{"id": "load", "builtin": "read-zarr"},
                         {"id": "smooth", "builtin": "gaussian", "config": {"sigma": 1}, "output": {"format": "zarr"}},
                         {"id": "top", "builtin": "max-projection", "data": "$load", "config": {"axis": 0}},
                         {"id": "save", "builtin": "write-zarr", "data": "$top"}]}
                """)
        defer { fixture.remove() }
        let stack = try NDArray(shape: [3, 10, 12], elements: (0..<360).map { UInt16($0 * 3) })
        let axes = [
            OMEAxis(name: "z", type: "space", unit: "micrometer"), OMEAxis(name: "y", type: "space", unit: "micrometer"),
            OMEAxis(name: "x", type: "space", unit: "micrometer"),
        ]
        try OMEZarr.write(stack, axes: axes, scale: [2, 0.25, 0.5], to: fixture.directory.appendingPathComponent("cells.ome.zarr"))
        let summary = try fixture.run()
        #expect(summary.status == .succeeded, "\(summary.warnings)")
        let smooth = fixture.out.appendingPathComponent("cells.ome/smooth.zarr").path
        let saved = fixture.out.appendingPathComponent("cells.ome/save.ome.zarr").path
        let result = try CommandRunner.python(Self.script, [smooth, saved])
        #expect(result.status == 0, "\(result.standardError)")
        let facts = try JSONValue(jsonText: result.standardOutput)
        #expect(
            facts[smooth]?["axes"] == [
                ["name": "z", "type": "space", "unit": "micrometer"], ["name": "y", "type": "space", "unit": "micrometer"],
                ["name": "x", "type": "space", "unit": "micrometer"],
            ])
        #expect(facts[smooth]?["scale"] == [2, 0.25, 0.5])
        #expect(facts[saved]?["axes"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["y", "x"])
        #expect(facts[saved]?["scale"] == [0.25, 0.5])
    }

    @Test func metadataRoundTripsThroughTheRPCDict() throws {
        var array = try NDArray(shape: [2, 3], elements: [UInt8](repeating: 1, count: 6))
        #expect(array.rpcValue["_rmetadata"] == nil)
        array.metadata = ArrayMetadata(
            axes: [.init(name: "C"), .init(name: "x", scale: 0.5, unit: "micrometer")], channelNames: ["dapi", "gfp"])
        let back = try NDArray(rpcValue: array.rpcValue)
        #expect(back.metadata == array.metadata && back.metadata?.axisNames == "cx")
        #expect(back.metadata?.removingAxis(0) == ArrayMetadata(axes: [.init(name: "x", scale: 0.5, unit: "micrometer")]))
        // Metadata that does not fit the shape is dropped, never the array.
        #expect(try array.reshaped([6]).metadata == nil)
        var wrong = array.rpcValue.objectValue!
        wrong["_rmetadata"] = ["axes": "zyx"]
        #expect(try NDArray(rpcValue: .object(wrong)).metadata == nil)
    }
}
