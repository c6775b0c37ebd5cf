import Foundation
import ImJoySchema
import ImageIO
import TestSupport
import Testing

@testable import ImJoyEngine

enum OMETIFFConditions {
    /// python3 with tifffile and ome-types whose validation (xmlschema, the bundled OME 2016-06 XSD) works.
    static let hasOMETypes: Bool =
        (try? CommandRunner.python("import tifffile, xmlschema, ome_types"))?.status == 0
}

/// `.ome.tif` outputs carry OME-XML that validates against the OME 2016-06 schema (ome-types
/// with xmlschema), with the axes and physical sizes of the array's metadata; tifffile reads
/// them as OME (`is_ome`, series axes).
@Suite(
    .enabled(
        if: OMETIFFConditions.hasOMETypes,
        "python3 with tifffile, xmlschema and ome-types is not installed (pip install ome-types xmlschema)"))
struct OMETIFFTests {
    static let checkScript = """
        import sys, json, tifffile, ome_types, numpy as np
        out = {}
        for path in sys.argv[1:]:
            with tifffile.TiffFile(path) as t:
                ome = ome_types.from_xml(t.ome_metadata, validate=True)
                p = ome.images[0].pixels
                out[path] = {"is_ome": t.is_ome, "axes": t.series[0].axes, "shape": list(t.series[0].shape),
                             "sizes": [p.size_t, p.size_z, p.size_c, p.size_y, p.size_x], "type": p.type.value,
                             "physical": [p.physical_size_z, p.physical_size_y, p.physical_size_x],
                             "unit": p.physical_size_x_unit.value, "increment": p.time_increment,
                             "sum": int(t.asarray().astype(np.int64).sum())}
        print(json.dumps(out))
        """

    @Test func hyperstackToOMETIFFInARunAndByConvert() throws {
        let fixture = try RunFixture(
            count: 0,
            workflow: """
                {"name": "o", "version": "1.0", "inputs": {"images": {"glob": "*.tif"}},
                 "ops": [{"id": "load", "builtin": "read-tiff"},
                         {"id": "save", "builtin": "write-tiff", "config": {"path": "{item}.ome.tif"}}]}
                """)
        defer { fixture.remove() }
        let written = try CommandRunner.python(
            """
            import sys, numpy as np, tifffile
            h = np.arange(2 * 3 * 2 * 12 * 10, dtype=np.uint16).reshape(2, 3, 2, 12, 10)
            tifffile.imwrite(sys.argv[1] + '/hyper.tif', h, imagej=True, resolution=(2.0, 2.0),
                             metadata={'axes': 'TZCYX', 'spacing': 1.5, 'unit': 'um', 'finterval': 30.0})
            """, [fixture.directory.path])
        try #require(written.status == 0, "\(written.standardError)")
        let summary = try fixture.run()
        #expect(summary.status == .succeeded, "\(summary.warnings)")
        let fromRun = fixture.out.appendingPathComponent("hyper.ome.tif").path
        let plain = fixture.directory.appendingPathComponent("plain.tif").path
        let fromConvert = fixture.directory.appendingPathComponent("z.ome.tiff").path
        try TIFFWriter.write(try NDArray(shape: [4, 6, 5], elements: (0..<120).map { Float($0) }), to: URL(fileURLWithPath: plain))
        let converted = try CommandRunner.imjoyRun(["convert", plain, fromConvert])
        try #require(converted.status == 0, "\(converted.standardError)")

        let result = try CommandRunner.python(Self.checkScript, [fromRun, fromConvert])
        try #require(result.status == 0, "\(result.standardError)")
        let facts = try JSONValue(jsonText: result.standardOutput)
        let run = try #require(facts[fromRun])
        let convert = try #require(facts[fromConvert])
        #expect(run["is_ome"] == true && run["axes"]?.stringValue == "TZCYX" && run["shape"] == [2, 3, 2, 12, 10], "\(run)")
        #expect(run["sizes"] == [2, 3, 2, 12, 10] && run["type"]?.stringValue == "uint16")
        #expect(run["physical"] == [1.5, 0.5, 0.5] && run["unit"]?.stringValue == "µm" && run["increment"]?.doubleValue == 30)
        #expect(run["sum"]?.intValue == (0..<1440).reduce(0, +))
        #expect(convert["is_ome"] == true && convert["axes"]?.stringValue == "ZYX" && convert["type"]?.stringValue == "float", "\(convert)")
        #expect(convert["sizes"] == [1, 4, 1, 6, 5] && convert["sum"]?.intValue == (0..<120).reduce(0, +))
    }

    @Test func unsupportedArraysAreRefused() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("x.ome.tif")
        #expect(throws: TIFFError.self) {
            try TIFFFormat().write(try NDArray(zeros: [2, 2, 2, 2, 2, 2], dtype: .uint8), to: url, options: ArrayWriteOptions())
        }
        #expect(throws: TIFFError.self) {
            try TIFFFormat().write(try NDArray(zeros: [2, 2], dtype: .int64), to: url, options: ArrayWriteOptions())
        }
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }
}
