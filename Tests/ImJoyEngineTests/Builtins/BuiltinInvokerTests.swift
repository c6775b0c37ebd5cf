import Foundation
import ImJoyPlugin
import ImJoySchema
import ImJoyWorkflow
import ImageIO
import TestSupport
import Testing

@testable import ImJoyEngine

/// A call of the first op of a one-op workflow over `inputs` (item `item`).
func builtinCall(_ op: String, inputs: String = #"["/data/cell_01.tif", "/data/cell_02.tif"]"#, item: Int = 0, data: JSONValue, out: URL)
    throws -> OpCall
{
    let plan = try makePlan(#"{"name": "t", "inputs": {"images": \#(inputs)}, "ops": [\#(op)]}"#)
    let planned = plan.ops[0]
    let context = OpCall.context(op: planned, data: data, variables: [:], workflowID: "t")
    return OpCall(op: planned, item: plan.items[item], context: context, attempt: 1, outputDirectory: out.path)
}

@Suite struct BuiltinInvokerTests {
    let invoker = BuiltinInvoker(baseDirectory: "/nonexistent")

    @Test func unknownAndPluginTargetsAreTypedErrors() throws {
        let out = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        var call = try builtinCall(#"{"id": "s", "builtin": "stats"}"#, data: .null, out: out)
        call.op.spec.target = .builtin("blur")
        #expect(throws: BuiltinOpError.unknownOp("blur")) { try invoker.invoke(call) }
        call.op.spec.target = .plugin(alias: "seg", op: "run")
        #expect(throws: BuiltinOpError.pluginOp("seg/run")) { try invoker.invoke(call) }
        #expect("\(BuiltinOpError.pluginOp("seg/run"))".contains("plugin ops run in a plugin host"))
    }

    @Test func dataMustBeAnArray() throws {
        let out = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let call = try builtinCall(#"{"id": "g", "builtin": "gaussian"}"#, data: "hello", out: out)
        let error = try #require(throws: BuiltinOpError.self) { try invoker.invoke(call) }
        #expect(error.description == "gaussian: expected an n-d array as data, got string")

        let array = try NDArray(shape: [2, 2], elements: [Float(1), 2, 3, 4])
        let wrapped = try builtinCall(#"{"id": "s", "builtin": "stats"}"#, data: ["image": array.rpcValue, "note": "x"], out: out)
        #expect(try invoker.invoke(wrapped)["max"] == 4.0)
        let two = try builtinCall(#"{"id": "s", "builtin": "stats"}"#, data: ["a": array.rpcValue, "b": array.rpcValue], out: out)
        #expect(throws: BuiltinOpError.self) { try invoker.invoke(two) }
    }

    @Test func configIsChecked() throws {
        let out = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let array = try NDArray(shape: [2, 2], elements: [Float(1), 2, 3, 4])
        var call = try builtinCall(#"{"id": "m", "builtin": "threshold"}"#, data: array.rpcValue, out: out)
        call.context["config"] = ["method": "bogus"]
        #expect(
            throws: BuiltinOpError.invalidConfig(op: "threshold", parameter: "method", reason: "'bogus' is not one of otsu, mean, value")
        ) {
            try invoker.invoke(call)
        }
        call = try builtinCall(#"{"id": "p", "builtin": "max-projection", "config": {"axis": 2}}"#, data: array.rpcValue, out: out)
        let error = try #require(throws: BuiltinOpError.self) { try invoker.invoke(call) }
        #expect(error.description.hasPrefix("max-projection: axis 2 is out of range"))
        // Defaults from the catalog reach the kernels: threshold's default method is otsu.
        call = try builtinCall(#"{"id": "m", "builtin": "threshold", "config": {"foreground": 9}}"#, data: array.rpcValue, out: out)
        #expect(try NDArray(rpcValue: invoker.invoke(call)).elements(as: UInt8.self) == [0, 0, 9, 9])
    }

    @Test func readsTIFFAndHDF5RelativeToTheBaseDirectory() throws {
        let reference = try PythonReference(
            """
            import tifffile, h5py
            a = sample([3, 20, 30], 'uint16', seed=1)
            b = sample([5, 6], 'float32', seed=2)
            tifffile.imwrite(DIR + '/stack.tif', a, compression='zlib')
            with h5py.File(DIR + '/data.h5', 'w') as f:
                f['data'] = b
                f['group/img'] = a
            save('a', a)
            save('b', b)
            """)
        defer { reference.remove() }
        let invoker = BuiltinInvoker(baseDirectory: reference.directory.path)
        let out = reference.directory
        let tiff = try invoker.invoke(
            builtinCall(#"{"id": "r", "builtin": "read-tiff", "data": "$inputs.images"}"#, data: "stack.tif", out: out))
        #expect(try NDArray(rpcValue: tiff) == reference.array("a"))
        let byObject = try invoker.invoke(
            builtinCall(#"{"id": "r", "builtin": "read-tiff"}"#, data: ["path": .string(reference.directory.path + "/stack.tif")], out: out)
        )
        #expect(try NDArray(rpcValue: byObject) == reference.array("a"))
        let h5 = try invoker.invoke(builtinCall(#"{"id": "r", "builtin": "read-hdf5"}"#, data: "data.h5", out: out))
        #expect(try NDArray(rpcValue: h5) == reference.array("b"))
        let nested = try invoker.invoke(
            builtinCall(#"{"id": "r", "builtin": "read-hdf5", "config": {"dataset": "group/img"}}"#, data: "data.h5", out: out))
        #expect(try NDArray(rpcValue: nested) == reference.array("a"))
        let missing = try builtinCall(#"{"id": "r", "builtin": "read-hdf5", "config": {"dataset": "nope"}}"#, data: "data.h5", out: out)
        let error = try #require(throws: BuiltinOpError.self) { try invoker.invoke(missing) }
        #expect(error.description.contains("no dataset 'nope'") && error.description.contains("/group/img"))
        let absent = try builtinCall(#"{"id": "r", "builtin": "read-tiff"}"#, data: "absent.tif", out: out)
        #expect(throws: BuiltinOpError.self) { try invoker.invoke(absent) }
        #expect(throws: BuiltinOpError.self) { try invoker.invoke(builtinCall(#"{"id": "r", "builtin": "read-tiff"}"#, data: 3, out: out)) }
    }

    @Test func writeTIFFExpandsTemplatesAndCompresses() throws {
        let out = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let array = try NDArray(shape: [2, 3, 4], elements: (0..<24).map { UInt16($0 * 1000) })
        var written: [String: String] = [:]
        for (compression, imagej) in [("deflate", "no"), ("none", "no"), ("lzw", "yes"), ("zstd", "no")] {
            let op =
                #"{"id": "save", "builtin": "write-tiff", "config": {"path": "{stem}/{op}-\#(compression).tif", "compression": "\#(compression)", "imagej": "\#(imagej)"}}"#
            let result = try invoker.invoke(builtinCall(op, item: 1, data: array.rpcValue, out: out))
            let path = try #require(result["path"]?.stringValue)
            #expect(path == "cell_02/save-\(compression).tif")
            written[compression] = path
        }
        let check = try PythonReference(
            """
            import tifffile
            for name in ['deflate', 'none', 'lzw', 'zstd']:
                with tifffile.TiffFile(sys.argv[2] + '/cell_02/save-' + name + '.tif') as t:
                    save(name, t.asarray())
                    value(name + '-info', [t.pages[0].compression.name, bool(t.is_imagej)])
            """, directory: nil, arguments: [out.path])
        defer { check.remove() }
        for compression in ["deflate", "none", "lzw", "zstd"] {
            #expect(try check.array(compression).reshaped([2, 3, 4]) == array)
        }
        #expect(try check.value("deflate-info") == ["ADOBE_DEFLATE", false])
        #expect(try check.value("none-info") == ["NONE", false])
        #expect(try check.value("lzw-info") == ["LZW", true])
        #expect(try check.value("zstd-info") == ["ZSTD", false])
    }

    @Test func writeHDF5SharesFilesAcrossItemsAndOps() throws {
        let out = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let invoker = BuiltinInvoker(baseDirectory: "/")
        let a = try NDArray(shape: [4, 5], elements: (0..<20).map { Float($0) })
        let b = try NDArray(shape: [3], elements: [Int32(-1), 0, 1])
        // Per-item file, two ops: both datasets end up in it.
        for (id, array) in [("raw", a), ("labels", b)] {
            let result = try invoker.invoke(builtinCall(#"{"id": "\#(id)", "builtin": "write-hdf5"}"#, data: array.rpcValue, out: out))
            #expect(result == ["path": "cell_01.h5", "dataset": .string("/\(id)")])
        }
        // One file for every item: datasets under /<item key>/.
        for item in 0..<2 {
            let op =
                #"{"id": "all", "builtin": "write-hdf5", "config": {"path": "results/all.h5", "dataset": "smooth", "compression": "none"}}"#
            let result = try invoker.invoke(builtinCall(op, item: item, data: (item == 0 ? a : b).rpcValue, out: out))
            #expect(result["dataset"] == .string("/cell_0\(item + 1)/smooth"))
        }
        // The shared file appears, complete, when the run finishes.
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("results/all.h5").path))
        #expect(try invoker.hdf5Files.finish() == [out.appendingPathComponent("results/all.h5").standardizedFileURL.path])
        // Writing the same dataset twice in one shared file is an error, not a silent overwrite.
        let again = #"{"id": "all", "builtin": "write-hdf5", "config": {"path": "again.h5", "dataset": "x"}}"#
        _ = try invoker.invoke(builtinCall(again, data: a.rpcValue, out: out))
        #expect(throws: BuiltinOpError.self) { try invoker.invoke(builtinCall(again, data: a.rpcValue, out: out)) }
        try invoker.hdf5Files.finish()
        let check = try PythonReference(
            """
            import h5py
            with h5py.File(sys.argv[2] + '/cell_01.h5') as f:
                save('raw', f['raw'][()]); save('labels', f['labels'][()])
                value('compression', f['raw'].compression)
            with h5py.File(sys.argv[2] + '/results/all.h5') as f:
                save('one', f['cell_01/smooth'][()]); save('two', f['cell_02/smooth'][()])
                value('keys', sorted(f.keys()))
            """, arguments: [out.path])
        defer { check.remove() }
        #expect(try check.array("raw") == a)
        #expect(try check.array("labels") == b)
        #expect(try check.value("compression") == "gzip")
        #expect(try check.array("one") == a)
        #expect(try check.array("two") == b)
        #expect(try check.value("keys") == ["cell_01", "cell_02"])
    }

    @Test(arguments: ["../escape.tif", "/tmp/abs.tif", "{item}/../../x.tif", "a/{nope}.tif", "", "./"])
    func writersRejectPathsOutsideTheOutDir(_ path: String) throws {
        let out = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let array = try NDArray(shape: [2, 2], elements: [UInt8(1), 2, 3, 4])
        for builtin in ["write-tiff", "write-hdf5"] {
            // `validate` refuses these templates; a direct call is checked again.
            #expect(
                (try? builtinCall(#"{"id": "w", "builtin": "\#(builtin)", "config": {"path": "\#(path)"}}"#, data: array.rpcValue, out: out))
                    == nil)
            let call = try builtinCall(#"{"id": "w", "builtin": "\#(builtin)"}"#, data: array.rpcValue, out: out)
            let error = try #require(throws: BuiltinOpError.self) {
                try invoker.run(
                    builtin, data: array.rpcValue, config: ["path": .string(path)], item: call.item, opID: "w", outputDirectory: out.path)
            }
            guard case .unsafePath = error else {
                Issue.record("expected unsafePath, got \(error)")
                continue
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).isEmpty)
    }

    @Test func everyCatalogOpHasAKernelWithTheCatalogsDefaults() throws {
        let out = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let array = try NDArray(shape: [3, 5, 7], elements: (0..<105).map { UInt16(($0 * 37) % 101) })
        for description in BuiltinOps.all {
            let call = try builtinCall(#"{"id": "x", "builtin": "\#(description.name)"}"#, data: array.rpcValue, out: out)
            if description.name.hasPrefix("read-") {
                // A path is expected: the error is about the data, not an unknown op.
                let error = try #require(throws: BuiltinOpError.self) { try invoker.invoke(call) }
                #expect(error != .unknownOp(description.name))
                continue
            }
            if description.name.hasPrefix("write-") { continue }
            // The catalog's defaults (merged by the planner) give the same result as the kernels' own.
            let merged = try invoker.invoke(call)
            let bare = try invoker.run(
                description.name, data: array.rpcValue, config: [:], item: call.item, opID: "x", outputDirectory: out.path)
            #expect(merged == bare, "\(description.name) with \(call.config)")
        }
    }

    @Test func templatesExpand() throws {
        var item = try builtinCall(#"{"id": "s", "builtin": "stats"}"#, data: .null, out: URL(fileURLWithPath: "/tmp")).item
        item.key = "k1"
        item.inputs = ["b": "x/y/My File.v2.tif", "a": 3]
        var numbered = item
        numbered.key = "7"
        numbered.inputs = ["n": 3]
        #expect(try OutputPaths.expand("{item}/{stem}_{op}.tif", item: item, op: "seg") == "k1/My_File.v2_seg.tif")
        #expect(OutputPaths.stem(of: numbered) == "7")
        #expect(try OutputPaths.checkedRelative("a//./b.tif") == "a/b.tif")
        #expect(OutputPaths.isPerItem("{stem}.h5") && !OutputPaths.isPerItem("{op}.h5"))
    }
}
