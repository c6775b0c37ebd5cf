import Foundation
import TestSupport
import Testing

@testable import ImageIO

/// HDF5StructureCheck (Sources/ImageIO/HDF5/HDF5ObjectHeaderCheck.swift, HDF5MessageCheck.swift):
/// files written by h5py and by ImageIO pass; damaged object headers give typed errors naming the
/// file before libhdf5 decodes them.
@Suite("HDF5 structure check before libhdf5 decodes metadata")
struct HDF5StructureCheckTests {
    // MARK: - Helpers

    /// Writes a file with h5py exercising what the check must accept: every numeric dtype,
    /// big-endian, bool, float16, chunked + gzip + shuffle, fletcher32, scale-offset, unlimited
    /// dimensions, fill values, empty and scalar datasets, compact layout, nested groups, soft
    /// links, many links, compact and dense attributes, creation-order tracking.
    private static let h5pyScript = #"""
        import sys, h5py, numpy as np
        path, libver = sys.argv[1], sys.argv[2]
        def arr(shape, dt): return (np.arange(int(np.prod(shape))) % 13).astype(dt).reshape(shape)
        bounds = "earliest" if libver == "earliest" else (libver, "v110")
        with h5py.File(path, "w", libver=bounds) as f:
            for dt in ["u1", "i1", "u2", "i2", "u4", "i4", "u8", "i8", "f2", "f4", "f8", ">u2", ">f4"]:
                f.create_dataset("t_" + dt.replace(">", "be"), data=arr((3, 4), dt))
            f.create_dataset("t_bool", data=arr((3, 4), "u1") > 5)
            f.create_dataset("gz", data=arr((4, 8, 8), "i4"), chunks=(1, 8, 8), compression="gzip", shuffle=True)
            f.create_dataset("fl", data=arr((6, 6), "f4"), chunks=(3, 3), fletcher32=True)
            f.create_dataset("so", data=arr((9, 9), "f8"), scaleoffset=2)
            f.create_dataset("unlim", data=arr((5, 5), "u2"), chunks=(2, 2), maxshape=(None, 10))
            f.create_dataset("unlim2", data=arr((5, 5), "u2"), chunks=(2, 2), maxshape=(None, None))
            f.create_dataset("fill", shape=(4, 4), dtype="i2", fillvalue=7)
            f.create_dataset("empty", shape=(0, 3), dtype="f4")
            f.create_dataset("scalar", data=np.float64(2.5))
            space = h5py.h5s.create_simple((2, 3))
            dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
            dcpl.set_layout(h5py.h5d.COMPACT)
            h5py.h5d.create(f.id, b"compact", h5py.h5t.STD_U8LE, space, dcpl=dcpl).write(h5py.h5s.ALL, h5py.h5s.ALL, arr((2, 3), "u1"))
            f.create_dataset("nested/deeper/d", data=arr((2, 2), "u1"))
            f["soft"] = h5py.SoftLink("/nested/deeper")
            d = f["gz"]
            d.attrs["unit"] = "um"
            d.attrs["fixed"] = np.bytes_(b"abc")
            d.attrs["scale"] = np.array([0.5, 1.0])
            d.attrs["n"] = 3
            d.attrs["flag"] = True
            d.attrs["strs"] = ["a", "bb"]
            d.attrs["h"] = np.float16(1.5)
            d.attrs["matrix"] = np.ones((2, 3))
            for i in range(12):
                d.attrs["extra%d" % i] = i
            for i in range(20):
                f.create_dataset("many/d%d" % i, data=np.arange(i + 1))
            f.create_group("ordered", track_order=True).create_dataset("x", data=np.arange(3))
            f["ordered/x"].attrs["x"] = 1
            f.attrs["title"] = "root"
        """#

    private static let h5pyDatasets = 46  // 45 and /soft/d through the soft link

    private func writeH5py(_ url: URL, libver: String) throws {
        let output = try PythonCheck.run(["-c", Self.h5pyScript, url.path, libver])
        guard output.status == 0 else { throw CheckFailure("h5py failed: \(output.stderr)") }
    }

    /// Every object's header check, by path, for a file that libhdf5 reads.
    private func summaries(_ file: HDF5File, paths: [String]) throws -> [String: HDF5ObjectSummary] {
        var result: [String: HDF5ObjectSummary] = [:]
        for path in paths {
            let address = try #require(file.objectHeaderAddress(path), "\(path)")
            result[path] = file.structure.checkObject(at: address)
        }
        return result
    }

    /// Opens `bytes` as an image named `name`, walks it like fuzz-hdf5, reads `/g/data` (a
    /// dataset whose header cannot be parsed has no kind, so the walk skips it) and returns
    /// every error (each must name the file).
    private func errors(
        reading bytes: [UInt8], name: String = "damaged.h5", variableLengthStrings: Bool = false, alsoReading extra: [String] = ["/g/data"]
    ) -> [HDF5Error] {
        var errors: [HDF5Error] = []
        func attempt<T>(_ body: () throws(HDF5Error) -> T) -> T? {
            do throws(HDF5Error) { return try body() } catch {
                errors.append(error)
                return nil
            }
        }
        let opened = bytes.withUnsafeBytes { raw in attempt { () throws(HDF5Error) in try HDF5File(image: raw, name: name) } }
        if let file = opened {
            _ = attempt { () throws(HDF5Error) in try file.attributes(of: "/", variableLengthStrings: variableLengthStrings) }
            for path in Set((attempt({ () throws(HDF5Error) in try file.datasetPaths() }) ?? []) + extra).sorted() {
                _ = attempt { () throws(HDF5Error) in try file.readDataset(path, limit: 1 << 24) }
                _ = attempt { () throws(HDF5Error) in try file.attributes(of: path, variableLengthStrings: variableLengthStrings) }
            }
        }
        for error in errors {
            #expect(error.file == name)
            #expect("\(error)".hasPrefix(name + ": "))
        }
        return errors
    }

    /// A small h5py file (libver "earliest": version-1 object headers, no checksums) with a
    /// gzip + shuffle dataset `/g/data` carrying enough attributes to need a continuation chunk.
    private func earliestFile() throws -> [UInt8] {
        let directory = try Fixtures.temporaryDirectory("h5-check")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("small.h5")
        let script = #"""
            import sys, h5py, numpy as np
            with h5py.File(sys.argv[1], "w", libver="earliest") as f:
                d = f.create_dataset("g/data", data=np.arange(64, dtype="u2").reshape(8, 8), chunks=(4, 4), compression="gzip", shuffle=True)
                d.attrs["scale"] = np.array([0.5, 1.0])
                for i in range(40):
                    d.attrs["a%02d" % i] = i
            """#
        let output = try PythonCheck.run(["-c", script, url.path])
        guard output.status == 0 else { throw CheckFailure("h5py failed: \(output.stderr)") }
        return try [UInt8](Data(contentsOf: url))
    }

    /// The messages of the object header at `path` of `bytes`.
    private func messages(_ bytes: [UInt8], of path: String) throws -> [HDF5StructureCheck.Message] {
        let file = try bytes.withUnsafeBytes { try HDF5File(image: $0, name: "good.h5") }
        let address = try #require(file.objectHeaderAddress(path))
        return try file.structure.messages(at: address)
    }

    // MARK: - Well-formed files pass

    @Test("Jenkins lookup3 matches the reference vectors")
    func lookup3() {
        #expect(hdf5Lookup3([]) == 0xDEAD_BEEF)
        let text = Array("Four score and seven years ago".utf8)
        #expect(hdf5Lookup3(text[...]) == 0x1777_0551)
        #expect(hdf5Lookup3(text[...], initial: 1) == 0xCD62_8161)
    }

    @Test(
        "files h5py writes pass: superblock v0 (earliest), v2 (v108) and v3 (v110)", PythonCheck.required,
        arguments: ["earliest", "v108", "v110"])
    func h5pyFilesPass(libver: String) throws {
        let directory = try Fixtures.temporaryDirectory("h5-check")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("variety-\(libver).h5")
        try writeH5py(url, libver: libver)
        let file = try HDF5File(contentsOf: url)
        #expect(file.structure.superblockVersion == ["earliest": 0, "v108": 2, "v110": 3][libver])
        let paths = try file.datasetPaths()
        #expect(paths.count == Self.h5pyDatasets, "\(paths)")
        for path in paths {
            let array = try file.readDataset(path)
            if path.hasPrefix("/t_") { #expect(array.shape == [3, 4], "\(path)") }
        }
        #expect(try file.readDataset("/t_f2").dtype == .float16)
        #expect(try file.readDataset("/t_bool").dtype == .bool)
        #expect(try file.readDataset("/soft/d") == file.readDataset("/nested/deeper/d"))
        let attributes = Dictionary(uniqueKeysWithValues: try file.attributes(of: "/gz").map { ($0.name, $0.value) })
        #expect(attributes.count == 20)  // 8 + 12 extra: dense storage with v108/v110
        #expect(attributes["unit"] == .string("um"))
        #expect(attributes["fixed"] == .string("abc"), "a fixed-length (NULLPAD) string keeps its last byte")
        #expect(attributes["scale"] == .numbers([0.5, 1.0]))
        #expect(attributes["extra11"] == .integer(11))
        let root = try file.attributes(of: "/")
        #expect(root.map(\.name) == ["title"] && root.first?.value == .string("root"))
        // Every object header passes the check directly, attributes included.
        for (path, summary) in try summaries(file, paths: paths + ["/", "/nested", "/many", "/ordered"]) {
            #expect(summary.problem == nil, "\(path): \(String(describing: summary.problem))")
            #expect(summary.attributeProblem == nil, "\(path): \(String(describing: summary.attributeProblem))")
        }
        // The same bytes as a memory image.
        let bytes = try [UInt8](Data(contentsOf: url))
        #expect(errors(reading: bytes, name: "image.h5", variableLengthStrings: true, alsoReading: []).isEmpty)
    }

    @Test("files ImageIO writes pass")
    func writerFilesPass() throws {
        let directory = try Fixtures.temporaryDirectory("h5-check")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("written.h5")
        let writer = try HDF5Writer(url: url)
        _ = try writer.writeDataset(
            "/item/raw", try makeTestArray(shape: [3, 40, 40], dtype: .uint16),
            layout: .chunked(chunkShape: [1, 16, 16], compression: .deflate(level: 3), shuffle: true))
        _ = try writer.writeDataset("/item/mask", try makeTestArray(shape: [40, 40], dtype: .bool))
        _ = try writer.writeDataset("/item/half", try makeTestArray(shape: [5, 5], dtype: .float16))
        let attributes: [(String, HDF5AttributeValue)] = [
            ("op", .string("raw")), ("sigma", .number(1.5)), ("tags", .strings(["a", "b"])), ("n", .integer(3)),
        ]
        for (name, value) in attributes { try writer.setAttribute(name, to: value, at: "/item/raw") }
        try writer.commit()
        let file = try HDF5File(contentsOf: url)
        let paths = try file.datasetPaths()
        #expect(paths == ["/item/half", "/item/mask", "/item/raw"])
        for (path, summary) in try summaries(file, paths: paths + ["/", "/item"]) {
            #expect(summary.problem == nil && summary.attributeProblem == nil, "\(path)")
        }
        #expect(try file.attributes(of: "/item/raw").count == 4)
    }

    @Test("link cycles end, external links are refused, both with typed errors", PythonCheck.required)
    func linkCyclesAndExternalLinks() throws {
        let directory = try Fixtures.temporaryDirectory("h5-check")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("links.h5")
        let script = #"""
            import sys, h5py, numpy as np
            with h5py.File(sys.argv[1], "w") as f:
                f.create_dataset("g/data", data=np.arange(4))
                f["g/self"] = f["g"]                      # a hard link cycle
                f["loop"] = h5py.SoftLink("/loop/x")      # a soft link through itself
                f["ext"] = h5py.ExternalLink("other.h5", "/data")
            """#
        let output = try PythonCheck.run(["-c", script, url.path])
        guard output.status == 0 else { throw CheckFailure("h5py failed: \(output.stderr)") }
        let file = try HDF5File(contentsOf: url)
        let paths = try file.datasetPaths()
        #expect(paths.first == "/g/data")
        #expect(paths.allSatisfy { $0.hasPrefix("/g/") && $0.hasSuffix("/data") })  // /g/self/data, … up to the depth limit
        let loop = #expect(throws: HDF5Error.self) { try file.readDataset("/loop") }
        guard case .unsupported(_, _, let reason) = loop else {
            Issue.record("\(String(describing: loop))")
            return
        }
        #expect(reason.contains("nested soft links"))
        #expect(throws: HDF5Error.unsupported(file: url.path, path: "/ext", reason: "external link /ext (the linked file is not checked)"))
        {
            try file.readDataset("/ext")
        }
    }

    // MARK: - Damaged headers give typed errors

    @Test("every byte of the datatype, dataspace, layout, filter and attribute messages damaged: typed errors only", PythonCheck.required)
    func damagedMessageBytes() throws {
        let good = try earliestFile()
        #expect(errors(reading: good).isEmpty)
        var damagedCount = 0
        var refusedByCheck = 0
        for message in try messages(good, of: "/g/data") where [0x01, 0x03, 0x05, 0x08, 0x0B, 0x0C].contains(message.type) {
            let start = Int(message.fileOffset)
            for offset in start..<(start + min(message.body.remaining, 48)) {
                for value in [0x00, 0xFF, Int(good[offset] ^ 0x80)] where UInt8(value) != good[offset] {
                    var bytes = good
                    bytes[offset] = UInt8(value)
                    let found = errors(reading: bytes)
                    damagedCount += 1
                    if found.contains(where: { "\($0)".contains("damaged HDF5 structure") || "\($0)".contains("unsupported") }) {
                        refusedByCheck += 1
                    }
                }
            }
        }
        #expect(damagedCount > 500)
        #expect(refusedByCheck > damagedCount / 4, "\(refusedByCheck) of \(damagedCount) refused by the check")
    }

    @Test("a datatype of a class ImageIO does not read is refused before libhdf5 decodes it", PythonCheck.required)
    func datatypeClass() throws {
        let good = try earliestFile()
        let datatype = try #require(try messages(good, of: "/g/data").first { $0.type == 0x03 })
        var bytes = good
        bytes[Int(datatype.fileOffset)] = bytes[Int(datatype.fileOffset)] & 0xF0 | 6  // compound
        let found = errors(reading: bytes)
        #expect(found.contains(.unsupported(file: "damaged.h5", path: "/g/data", reason: "datatype message: datatype class 6")), "\(found)")
        // A size of 1 MiB for a 2-byte integer.
        bytes = good
        bytes[Int(datatype.fileOffset) + 6] = 0x10
        #expect(errors(reading: bytes).contains { "\($0)".contains("1048578-byte integers") })
    }

    @Test("an object header chunk running past the end of the file is refused", PythonCheck.required)
    func truncatedHeader() throws {
        let good = try earliestFile()
        let file = try good.withUnsafeBytes { try HDF5File(image: $0, name: "good.h5") }
        let address = Int(try #require(file.objectHeaderAddress("/g/data")))
        // Version-1 prefix: version, reserved, message count, reference count, chunk size (at +8).
        var bytes = good
        bytes[address + 8] = 0xF8
        bytes[address + 9] = 0xFF
        bytes[address + 10] = 0x0F
        let found = errors(reading: bytes)
        #expect(
            found.contains { if case .readFailed(_, "/g/data", let reason) = $0 { reason.contains("lies outside the") } else { false } },
            "\(found)")
        // The file cut in the middle of the dataset's header: libhdf5 refuses it (shorter than
        // the superblock says), and it is never a crash.
        #expect(!errors(reading: Array(good.prefix(address + 40))).isEmpty)
    }

    @Test("a continuation message pointing back into its own header is refused", PythonCheck.required)
    func cyclicContinuation() throws {
        let good = try earliestFile()
        let file = try good.withUnsafeBytes { try HDF5File(image: $0, name: "good.h5") }
        let address = Int(try #require(file.objectHeaderAddress("/g/data")))
        let all = try messages(good, of: "/g/data")
        let continuation = try #require(all.first { $0.type == 0x10 }, "h5py wrote no continuation chunk")
        // Point it at chunk 0 (16 bytes after the version-1 prefix), with chunk 0's size.
        var bytes = good
        let at = Int(continuation.fileOffset)
        for i in 0..<8 { bytes[at + i] = UInt8(truncatingIfNeeded: (address + 16) >> (8 * i)) }
        for i in 0..<8 { bytes[at + 8 + i] = i < 4 ? good[address + 8 + i] : 0 }
        let found = errors(reading: bytes)
        #expect(found.contains { "\($0)".contains("cyclic object header continuation") }, "\(found)")
    }

    @Test("a filter name without its NUL terminator is refused (libhdf5 strlen()s it)", PythonCheck.required)
    func unterminatedFilterName() throws {
        let good = try earliestFile()
        let pipeline = try #require(try messages(good, of: "/g/data").first { $0.type == 0x0B })
        let body = Array(good[Int(pipeline.fileOffset)..<(Int(pipeline.fileOffset) + pipeline.body.remaining)])
        let name = Array("deflate".utf8)
        let at = try #require((0...(body.count - name.count)).first { Array(body[$0..<($0 + name.count)]) == name })
        var bytes = good
        // "deflate\0" fills its 8-byte field exactly: overwrite the NUL.
        bytes[Int(pipeline.fileOffset) + at + name.count] = UInt8(ascii: "x")
        let found = errors(reading: bytes)
        #expect(
            found.contains {
                if case .readFailed(_, "/g/data", let reason) = $0 { reason.contains("name not NUL-terminated") } else { false }
            }, "\(found)")
    }

    @Test("a damaged attribute message stops attribute reading only", PythonCheck.required)
    func damagedAttribute() throws {
        let good = try earliestFile()
        let attribute = try #require(try messages(good, of: "/g/data").first { $0.type == 0x0C })
        var bytes = good
        // Version-1 attribute: version, reserved, name size, datatype size (at +4): claim 0xFFF0.
        bytes[Int(attribute.fileOffset) + 4] = 0xF0
        bytes[Int(attribute.fileOffset) + 5] = 0xFF
        let file = try bytes.withUnsafeBytes { try HDF5File(image: $0, name: "damaged.h5") }
        #expect(try file.readDataset("/g/data").shape == [8, 8])
        let error = #expect(throws: HDF5Error.self) { try file.attributes(of: "/g/data") }
        guard case .readFailed("damaged.h5", "/g/data", let reason) = error else {
            Issue.record("expected readFailed, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("attribute datatype"), "\(reason)")
    }

    /// Inputs that crashed libhdf5 1.10.8 inside fuzz-hdf5 (Fuzz/README.md): each gives typed
    /// errors naming the file, one of them with the reason fragment.
    @Test(
        "fuzz inputs that crashed libhdf5 give typed errors",
        arguments: [
            ("dataspace-above-maximum.h5", "above its maximum"),  // H5D_open → H5O_msg_read
            ("enum-size-mismatch.h5", "enum of 393217 bytes"),  // H5D_open → H5T_copy
            ("empty-datatype-message.h5", "datatype class needs 1 bytes"),  // H5Aget_type → H5T_copy_reopen
            ("empty-datatype-message-2.h5", "datatype class needs 1 bytes"),  // H5Aget_type → H5T_copy_reopen
            ("attribute-dataspace-overrun.h5", "attribute dataspace needs 48 bytes"),  // H5D_open → H5O_msg_read
            ("attribute-dataspace-overrun-2.h5", "attribute dataspace needs 48 bytes"),  // H5D_open → H5O_msg_read
            ("forged-symbol-table-btree.h5", "no local heap signature"),  // H5Gget_info → H5G__node_sumup
        ])
    func libhdf5CrashRegression(name: String, reason: String) throws {
        let url = Fixtures.url("hdf5/fuzz-regressions/" + name)
        let bytes = try [UInt8](Data(contentsOf: url))
        let found = errors(reading: bytes, name: url.path, variableLengthStrings: true, alsoReading: [])
        #expect(found.contains { "\($0)".contains(reason) }, "\(found)")
    }
}
