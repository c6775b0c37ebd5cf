import Foundation
import ImJoySchema
import ImageIO
import TestSupport
import Testing

@testable import ImJoyEngine

/// ImageJ calibration travels through a run: a Z-stack written by tifffile with `imagej=True`,
/// axes `ZYX`, spacing, unit and resolution comes back out of read-tiff → gaussian → write-tiff
/// (`imagej: yes`) as Z slices with the same calibration, and its projection as OME-Zarr `y x`.
@Suite(.enabled(if: ZarrWorkflowConditions.hasZarrPython, "python3 with tifffile, zarr>=3 and ome_zarr is not installed (scripts/setup)"))
struct TIFFMetadataRunTests {
    static let writeScript = """
        import sys, numpy as np, tifffile
        z = np.arange(4 * 12 * 10, dtype=np.uint16).reshape(4, 12, 10)
        tifffile.imwrite(sys.argv[1] + '/stack.tif', z, imagej=True, resolution=(1 / 0.25, 1 / 0.25),
                         metadata={'axes': 'ZYX', 'spacing': 2.0, 'unit': 'um'})
        h = np.arange(2 * 3 * 2 * 12 * 10, dtype=np.uint16).reshape(2, 3, 2, 12, 10)
        tifffile.imwrite(sys.argv[1] + '/hyper.tif', h, imagej=True, resolution=(2.0, 2.0),
                         metadata={'axes': 'TZCYX', 'spacing': 1.5, 'unit': 'um', 'finterval': 30.0})
        """

    static let checkScript = """
        import sys, json, tifffile
        out = {}
        for path in sys.argv[1:]:
            with tifffile.TiffFile(path) as t:
                p = t.pages[0]
                x = p.tags['XResolution'].value
                m = t.imagej_metadata or {}
                out[path] = {"imagej": t.is_imagej, "axes": t.series[0].axes, "shape": list(t.series[0].shape),
                             "spacing": m.get("spacing"), "unit": m.get("unit"), "finterval": m.get("finterval"),
                             "xres": x[0] / x[1], "resunit": int(p.tags['ResolutionUnit'].value)}
        print(json.dumps(out))
        """

    @Test func calibratedStacksKeepTheirAxesAndCalibration() throws {
        let fixture = try RunFixture(
            count: 0,
            workflow: """
                {"name": "m", "version": "1.0", "inputs": {"images": {"glob": "*.tif"}},
                 "ops": [{"id": "load", "builtin": "read-tiff"},
                         {"id": "smooth", "builtin": "gaussian", "config": {"sigma": 1}},
                         {"id": "save", "builtin": "write-tiff", "config": {"imagej": "yes", "compression": "none"}},
                         {"id": "top", "builtin": "max-projection", "data": "$load", "config": {"axis": 0}},
                         {"id": "zarr", "builtin": "write-zarr", "data": "$top"}]}
                """)
        defer { fixture.remove() }
        let written = try CommandRunner.python(Self.writeScript, [fixture.directory.path])
        try #require(written.status == 0, "\(written.standardError)")
        let summary = try fixture.run()
        #expect(summary.status == .succeeded, "\(summary.warnings)")
        let stack = fixture.out.appendingPathComponent("stack/save.tif").path
        let hyper = fixture.out.appendingPathComponent("hyper/save.tif").path
        let result = try CommandRunner.python(Self.checkScript, [stack, hyper])
        try #require(result.status == 0, "\(result.standardError)")
        let facts = try JSONValue(jsonText: result.standardOutput)
        #expect(facts[stack]?["imagej"] == true && facts[stack]?["axes"]?.stringValue == "ZYX", "\(facts)")
        #expect(facts[stack]?["spacing"]?.doubleValue == 2 && facts[stack]?["unit"]?.stringValue == "micron")
        #expect(facts[stack]?["xres"]?.doubleValue == 4 && facts[stack]?["resunit"]?.intValue == 1)
        #expect(facts[hyper]?["axes"]?.stringValue == "TZCYX" && facts[hyper]?["shape"] == [2, 3, 2, 12, 10], "\(facts)")
        #expect(
            facts[hyper]?["spacing"]?.doubleValue == 1.5 && facts[hyper]?["finterval"]?.doubleValue == 30
                && facts[hyper]?["xres"]?.doubleValue == 2)

        // The Z projection of the stack is y, x at 0.25 micrometers; the hyperstack's T projection keeps z, c, y, x.
        let projected = try ZarrFormat.readImage(fixture.out.appendingPathComponent("stack/zarr.ome.zarr"), level: 0)
        #expect(
            projected.metadata
                == ArrayMetadata(axes: [
                    .init(name: "y", scale: 0.25, unit: "micrometer"), .init(name: "x", scale: 0.25, unit: "micrometer"),
                ]))
        let hyperTop = try ZarrFormat.readImage(fixture.out.appendingPathComponent("hyper/zarr.ome.zarr"), level: 0)
        #expect(
            hyperTop.metadata?.axisNames == "zcyx" && hyperTop.metadata?.axes[0].scale == 1.5 && hyperTop.metadata?.axes[3].scale == 0.5)
    }

    @Test func uncalibratedTIFFsHaveNoMetadata() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("plain.tif")
        try TIFFWriter.write(try NDArray(shape: [2, 3, 4], elements: [UInt8](repeating: 7, count: 24)), to: url)
        let array = try TIFFFormat().read(url, name: nil)
        #expect(array.metadata == nil && array.rpcValue["_rmetadata"] == nil)
        // tifffile's default resolution (1 per unit "none") is no calibration; centimeters are.
        let written = try CommandRunner.python(
            """
            import sys, numpy as np, tifffile
            tifffile.imwrite(sys.argv[1] + '/default.tif', np.zeros((5, 6), np.uint8))
            tifffile.imwrite(sys.argv[1] + '/cm.tif', np.zeros((5, 6), np.uint8), resolution=(20000, 40000), resolutionunit='CENTIMETER')
            """, [folder.path])
        try #require(written.status == 0, "\(written.standardError)")
        #expect(try TIFFFormat().read(folder.appendingPathComponent("default.tif"), name: nil).metadata == nil)
        let calibrated = try TIFFFormat().read(folder.appendingPathComponent("cm.tif"), name: nil)
        #expect(
            calibrated.metadata
                == ArrayMetadata(axes: [
                    .init(name: "y", scale: 0.25, unit: "micrometer"), .init(name: "x", scale: 0.5, unit: "micrometer"),
                ]))
    }
}
