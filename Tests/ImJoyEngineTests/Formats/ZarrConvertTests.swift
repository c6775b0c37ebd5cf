import Foundation
import ImJoySchema
import ImageIO
import TestSupport
import Testing

@testable import ImJoyEngine

/// `imjoy-run convert` to and from OME-Zarr (TIFF ↔ Zarr ↔ HDF5), and `check-functional`'s Zarr inputs.
@Suite struct ZarrConvertTests {
    static let stack = try! NDArray(shape: [4, 30, 22], elements: (0..<(4 * 30 * 22)).map { UInt16(truncatingIfNeeded: $0 * 29 % 60000) })

    @Test(
        "convert TIFF → .ome.zarr → HDF5 → .zarr keeps the values; zarr-python reads the store",
        .enabled(if: ZarrWorkflowConditions.hasZarrPython, "python3 with zarr>=3 and ome_zarr is not installed (scripts/setup)"))
    func convertRoundTrip() throws {
        let directory = try Fixtures.temporaryDirectory("zarr-convert")
        defer { try? FileManager.default.removeItem(at: directory) }
        let tiff = directory.appendingPathComponent("in.tif").path
        let zarr = directory.appendingPathComponent("a.ome.zarr").path
        let h5 = directory.appendingPathComponent("b.h5").path
        let back = directory.appendingPathComponent("c.zarr").path
        try TIFFWriter.write(Self.stack, to: URL(fileURLWithPath: tiff))
        for arguments in [
            [tiff, zarr, "--compression", "blosc", "--level", "7"], [zarr, h5, "--compression", "gzip"],
            [h5, back, "--compression", "zstd"],
        ] {
            let result = try CommandRunner.imjoyRun(["convert"] + arguments)
            #expect(result.status == 0, "convert \(arguments): \(result.standardError)")
        }
        #expect(try ZarrFormat().read(URL(fileURLWithPath: zarr), name: nil) == Self.stack)
        #expect(try ZarrFormat().read(URL(fileURLWithPath: back), name: nil) == Self.stack)
        let script = """
            import sys, json, zarr, numpy as np
            g = zarr.open_group(sys.argv[1], mode="r")
            print(json.dumps({"sum": int(g["0"][...].astype(np.int64).sum()), "compressor": g["0"].compressors[0].get_config()["id"],
                              "clevel": g["0"].compressors[0].get_config()["clevel"], "source": g.attrs.get("source")}))
            """
        let result = try CommandRunner.python(script, [zarr])
        #expect(result.status == 0, "\(result.standardError)")
        let facts = try JSONValue(jsonText: result.standardOutput)
        let sum = Self.stack.withUnsafeBytes { Array($0.bindMemory(to: UInt16.self)).reduce(0) { $0 + Int($1) } }
        #expect(facts["sum"]?.intValue == sum)
        #expect(facts["compressor"]?.stringValue == "blosc" && facts["clevel"]?.intValue == 7)
        #expect(facts["source"]?.stringValue == "in.tif")
    }

    @Test("convert refuses TIFF options and TIFF compressions for a Zarr output")
    func convertRefusals() throws {
        let directory = try Fixtures.temporaryDirectory("zarr-convert")
        defer { try? FileManager.default.removeItem(at: directory) }
        let tiff = directory.appendingPathComponent("in.tif").path
        let zarr = directory.appendingPathComponent("a.zarr").path
        try TIFFWriter.write(Self.stack, to: URL(fileURLWithPath: tiff))
        let lzw = try CommandRunner.imjoyRun(["convert", tiff, zarr, "--compression", "lzw"])
        #expect(lzw.status == 2 && lzw.standardError.contains("zarr has no compression 'lzw'"), "\(lzw.standardError)")
        let imagej = try CommandRunner.imjoyRun(["convert", tiff, zarr, "--imagej"])
        #expect(imagej.status == 2, "\(imagej.standardError)")
        #expect(!FileManager.default.fileExists(atPath: zarr))
    }

    @Test("check-functional reads a store's root image and a collection's FILE.zarr:IMAGE")
    func checkInputs() throws {
        let directory = try Fixtures.temporaryDirectory("zarr-check")
        defer { try? FileManager.default.removeItem(at: directory) }
        let root = directory.appendingPathComponent("root.ome.zarr")
        let collection = directory.appendingPathComponent("plate.zarr")
        try OMEZarr.write(Self.stack, to: root)
        try ZarrFormat().add(Self.stack, at: "a/b", to: collection, options: ArrayWriteOptions())
        try ZarrFormat().add(Self.stack, at: "a/c", to: collection, options: ArrayWriteOptions())
        #expect(try NDArray(rpcValue: CheckInput.read(root.path)) == Self.stack)
        #expect(try NDArray(rpcValue: CheckInput.read(collection.path + ":a/c")) == Self.stack)
        #expect(throws: FunctionalCheckError.self) { try CheckInput.read(collection.path) }
        #expect(throws: FunctionalCheckError.self) { try CheckInput.read(collection.path + ":a/x") }
    }
}
