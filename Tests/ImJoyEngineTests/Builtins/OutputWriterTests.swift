import Foundation
import ImJoySchema
import ImJoyWorkflow
import ImageIO
import TestSupport
import Testing

@testable import ImJoyEngine

@Suite struct OutputWriterTests {
    /// The planned op `id` of a workflow with `ops`, and its first item.
    func op(_ ops: String, _ id: String, output: String = "", item: Int = 0) throws -> (PlannedOp, WorkItem) {
        let plan = try makePlan(#"{"name": "t", "inputs": {"images": ["/d/a1.tif", "/d/b2.tif"]}, \#(output) "ops": [\#(ops)]}"#)
        return (try #require(plan.ops.first { $0.id == id }), plan.items[item])
    }

    let image = try! NDArray(shape: [2, 3, 4], elements: (0..<24).map { UInt16($0 * 7) })
    let labels = try! NDArray(shape: [3, 4], elements: (0..<12).map { Int32($0 - 6) })

    @Test func arraysGoToTIFFOrHDF5AndJSONToJSON() throws {
        let out = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let (smooth, item) = try op(#"{"id": "smooth", "builtin": "gaussian"}"#, "smooth")
        let tiffWriter = OutputWriter(options: RunOptions(outputDirectory: out.path))
        #expect(try tiffWriter.write(image.rpcValue, op: smooth, item: item) == ["a1/smooth.tif"])
        // An object holding just one array is that array.
        #expect(try tiffWriter.write(["image": image.rpcValue], op: smooth, item: item) == ["a1/smooth.tif"])
        let h5Writer = OutputWriter(options: RunOptions(outputDirectory: out.path, arrayFormat: .hdf5))
        #expect(try h5Writer.write(image.rpcValue, op: smooth, item: item) == ["a1/smooth.h5"])
        let (stats, _) = try op(#"{"id": "stats", "builtin": "stats"}"#, "stats")
        #expect(try tiffWriter.write(["mean": 2.5, "b": [1, 2], "a": "x"], op: stats, item: item) == ["a1/stats.json"])
        let text = try String(contentsOf: out.appendingPathComponent("a1/stats.json"), encoding: .utf8)
        #expect(text == "{\n  \"a\": \"x\",\n  \"b\": [\n    1,\n    2\n  ],\n  \"mean\": 2.5\n}\n")

        let check = try PythonReference(
            """
            import tifffile, h5py
            save('tif', tifffile.imread(sys.argv[2] + '/a1/smooth.tif'))
            with h5py.File(sys.argv[2] + '/a1/smooth.h5') as f:
                save('h5', f['smooth'][()])
                value('keys', list(f.keys()))
            """, arguments: [out.path])
        defer { check.remove() }
        #expect(try check.array("tif") == image)
        #expect(try check.array("h5") == image)
        #expect(try check.value("keys") == ["smooth"])
    }

    @Test func mixedResultsSplitIntoArraysAndJSON() throws {
        let out = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let (seg, item) = try op(#"{"id": "seg", "builtin": "gaussian"}"#, "seg", item: 1)
        let result: JSONValue = ["image": image.rpcValue, "labels": labels.rpcValue, "count": 12, "name": "cells"]
        let tiff = try OutputWriter(options: RunOptions(outputDirectory: out.path)).write(result, op: seg, item: item)
        #expect(tiff == ["b2/seg.image.tif", "b2/seg.labels.tif", "b2/seg.json"])
        let json = try JSONValue(jsonText: String(contentsOf: out.appendingPathComponent("b2/seg.json"), encoding: .utf8))
        #expect(json == ["image": ["path": "b2/seg.image.tif"], "labels": ["path": "b2/seg.labels.tif"], "count": 12, "name": "cells"])

        let h5 = try OutputWriter(options: RunOptions(outputDirectory: out.path, arrayFormat: .hdf5)).write(result, op: seg, item: item)
        #expect(h5 == ["b2/seg.h5", "b2/seg.json"])
        let h5JSON = try JSONValue(jsonText: String(contentsOf: out.appendingPathComponent("b2/seg.json"), encoding: .utf8))
        #expect(h5JSON["labels"] == ["path": "b2/seg.h5", "dataset": "/seg/labels"])

        let check = try PythonReference(
            """
            import tifffile, h5py
            save('image', tifffile.imread(sys.argv[2] + '/b2/seg.image.tif'))
            save('labels', tifffile.imread(sys.argv[2] + '/b2/seg.labels.tif'))
            with h5py.File(sys.argv[2] + '/b2/seg.h5') as f:
                save('h5image', f['seg/image'][()]); save('h5labels', f['seg/labels'][()])
            """, arguments: [out.path])
        defer { check.remove() }
        #expect(try check.array("image") == image)
        #expect(try check.array("labels") == labels)
        #expect(try check.array("h5image") == image)
        #expect(try check.array("h5labels") == labels)
    }

    @Test func outputTemplatesAndSharedHDF5() throws {
        let out = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let ops = #"""
            {"id": "smooth", "builtin": "gaussian", "output": {"path": "smoothed/{stem}-s.tiff"}},
            {"id": "proj", "builtin": "max-projection", "output": {"format": "hdf5", "path": "all.h5", "dataset": "{op}/max"}},
            {"id": "stats", "builtin": "stats", "data": "$smooth", "output": {"path": "tables/{item}.tif"}}
            """#
        let writer = OutputWriter(options: RunOptions(outputDirectory: out.path))
        for index in 0..<2 {
            let (smooth, item) = try op(ops, "smooth", item: index)
            #expect(try writer.write(image.rpcValue, op: smooth, item: item) == ["smoothed/\(item.key)-s.tiff"])
            let (proj, _) = try op(ops, "proj", item: index)
            #expect(try writer.write(labels.rpcValue, op: proj, item: item) == ["all.h5"])
            let (stats, _) = try op(ops, "stats", item: index)
            #expect(try writer.write(["n": 1], op: stats, item: item) == ["tables/\(item.key).json"])
        }
        try writer.hdf5Files.finish()
        let check = try PythonReference(
            """
            import h5py
            with h5py.File(sys.argv[2] + '/all.h5') as f:
                paths = []
                f.visit(lambda name: paths.append(name) if isinstance(f[name], h5py.Dataset) else None)
                value('paths', sorted(paths))
                save('b2', f['b2/proj/max'][()])
            """, arguments: [out.path])
        defer { check.remove() }
        #expect(try check.value("paths") == ["a1/proj/max", "b2/proj/max"])
        #expect(try check.array("b2") == labels)
    }

    @Test func workflowDefaultsApply() throws {
        let out = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let (smooth, item) = try op(
            #"{"id": "smooth", "builtin": "gaussian"}"#, "smooth", output: #""output": {"format": "hdf5", "path": "{item}.h5"},"#)
        let plan = try makePlan(
            #"{"name": "t", "output": {"format": "hdf5", "path": "{item}.h5"}, "ops": [{"id": "x", "builtin": "stats"}]}"#)
        let writer = OutputWriter(options: RunOptions(outputDirectory: out.path), defaults: plan.workflow.output)
        #expect(try writer.write(image.rpcValue, op: smooth, item: item) == ["a1.h5"])
    }

    @Test func writerResultsAreReturnedNotWritten() throws {
        let out = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let (save, item) = try op(#"{"id": "save", "builtin": "write-tiff"}"#, "save")
        let files = try OutputWriter(options: RunOptions(outputDirectory: out.path)).write(["path": "a1/save.tif"], op: save, item: item)
        #expect(files == ["a1/save.tif"])
        let (stats, _) = try op(#"{"id": "stats", "builtin": "stats"}"#, "stats")
        #expect(try OutputWriter(options: RunOptions(outputDirectory: out.path)).write(.null, op: stats, item: item) == [])
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).isEmpty)
    }

    /// Refused by `validate` already; the writer checks again (a planned op built otherwise).
    @Test(arguments: ["../up.tif", "/abs/x.tif", "{item}/../../x"])
    func rejectsEscapingTemplates(_ path: String) throws {
        let out = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        #expect(throws: WorkflowErrors.self) {
            try op(#"{"id": "smooth", "builtin": "gaussian", "output": {"path": "\#(path)"}}"#, "smooth")
        }
        var (smooth, item) = try op(#"{"id": "smooth", "builtin": "gaussian"}"#, "smooth")
        smooth.spec.output = OutputSpec(format: nil, path: path, dataset: nil)
        #expect(throws: BuiltinOpError.self) {
            try OutputWriter(options: RunOptions(outputDirectory: out.path)).write(image.rpcValue, op: smooth, item: item)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).isEmpty)
    }

    @Test func extensionsAreAdjusted() {
        let tiff = TIFFFormat().fileExtensions
        let hdf5 = HDF5Format().fileExtensions
        #expect(OutputWriter.adjusted("x/a.tif", extensions: ["json"], key: nil) == "x/a.json")
        #expect(OutputWriter.adjusted("x/a.TIFF", extensions: tiff, key: "k") == "x/a.k.TIFF")
        #expect(OutputWriter.adjusted("x/a", extensions: hdf5, key: nil) == "x/a.h5")
        #expect(OutputWriter.adjusted("x/a.v1", extensions: tiff, key: nil) == "x/a.v1.tif")
    }

    /// An item key imjoy-run keeps for itself (a CSV id `manifest.json`, `.imjoy-run`) fails
    /// that item; a symlinked folder leading outside the out dir is refused.
    @Test(arguments: ["manifest.json", ".imjoy-run"])
    func reservedItemKeysAreRefused(_ key: String) throws {
        let out = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        var (smooth, item) = try op(#"{"id": "smooth", "builtin": "gaussian"}"#, "smooth")
        item.key = key
        let error = try #require(throws: BuiltinOpError.self) {
            try OutputWriter(options: RunOptions(outputDirectory: out.path)).write(image.rpcValue, op: smooth, item: item)
        }
        #expect(error.description.contains("reserved for imjoy-run"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).isEmpty)
        _ = smooth
    }

    @Test func symlinkedFoldersDoNotLeaveTheOutDir() throws {
        let out = try Fixtures.temporaryDirectory()
        let outside = try Fixtures.temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: outside)
        }
        try FileManager.default.createSymbolicLink(at: out.appendingPathComponent("a1"), withDestinationURL: outside)
        let (smooth, item) = try op(#"{"id": "smooth", "builtin": "gaussian"}"#, "smooth")
        let error = try #require(throws: BuiltinOpError.self) {
            try OutputWriter(options: RunOptions(outputDirectory: out.path)).write(image.rpcValue, op: smooth, item: item)
        }
        #expect(error.description.contains("symbolic link"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
        // A link that stays inside is fine.
        try FileManager.default.createDirectory(at: out.appendingPathComponent("inner"), withIntermediateDirectories: true)
        try FileManager.default.removeItem(at: out.appendingPathComponent("a1"))
        try FileManager.default.createSymbolicLink(
            at: out.appendingPathComponent("a1"), withDestinationURL: out.appendingPathComponent("inner"))
        #expect(
            try OutputWriter(options: RunOptions(outputDirectory: out.path)).write(image.rpcValue, op: smooth, item: item) == [
                "a1/smooth.tif"
            ])
    }

    @Test func outputFormatJSONIsRefusedAtLoadTime() throws {
        let error = try #require(throws: (any Error).self) {
            try op(#"{"id": "smooth", "builtin": "gaussian"}"#, "smooth", output: #""output": {"format": "json"},"#)
        }
        #expect("\(error)".contains("must be tiff, hdf5 or zarr, not 'json'"))
    }

    @Test func formatNamesMatchTheRegistry() {
        #expect(ArrayFormatNames.all == ArrayFormatRegistry.standard.names)
        #expect(ArrayFileFormat.allCases.map(\.rawValue) == ArrayFormatRegistry.standard.names)
        #expect(ArrayFileFormat(rawValue: "h5") == .hdf5 && ArrayFileFormat(rawValue: "nope") == nil)
    }
}
