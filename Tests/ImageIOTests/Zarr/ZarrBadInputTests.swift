import Foundation
import Testing

@testable import ImageIO

/// Malformed stores are refused with a typed error naming the store and the JSON path or chunk.
@Suite("Zarr bad input")
struct ZarrBadInputTests {
    /// Writes a valid v2 array store, applies `edit` to its `.zarray` text, and opens and reads it.
    private func openEdited(_ edit: (String) -> String, format: ZarrArrayMetadata.Format = .v2) throws -> ZarrError? {
        let folder = try ZarrTestSupport.makeFolder()
        defer { ZarrTestSupport.remove(folder) }
        let store = folder.appendingPathComponent("bad.zarr")
        try OMEZarr.write(try ZarrTestSupport.ramp([4, 6]), to: store, options: OMEZarrWriteOptions(format: format, chunkShape: [2, 3]))
        let file = store.appendingPathComponent(format == .v2 ? "0/.zarray" : "0/zarr.json")
        let text = try String(contentsOf: file, encoding: .utf8)
        try edit(text).write(to: file, atomically: false, encoding: .utf8)
        do {
            _ = try OMEZarrImage(store: store).read()
            return nil
        } catch {
            #expect(error.store == store.path)
            #expect(!error.description.contains("\n"))
            return error
        }
    }

    private func replacing(_ old: String, _ new: String) -> (String) -> String {
        { text in
            let compact = text.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\n", with: "")
            return compact.replacingOccurrences(of: old, with: new)
        }
    }

    @Test("a chunk extent of 0 names $.chunks[1]")
    func zeroChunk() throws {
        let error = try #require(try openEdited(replacing("\"chunks\":[2,3]", "\"chunks\":[2,0]")))
        #expect(error.kind == .invalidMetadata)
        #expect(error.location == "0/.zarray $.chunks[1]")
    }

    @Test("chunks and shape of different rank")
    func rankMismatch() throws {
        let error = try #require(try openEdited(replacing("\"chunks\":[2,3]", "\"chunks\":[2,3,1]")))
        #expect(error.location == "0/.zarray $.chunks")
    }

    @Test("a negative extent and a non-integer shape")
    func badShape() throws {
        #expect(try openEdited(replacing("\"shape\":[4,6]", "\"shape\":[-4,6]"))?.location == "0/.zarray $.shape[0]")
        #expect(try openEdited(replacing("\"shape\":[4,6]", "\"shape\":\"big\""))?.location == "0/.zarray $.shape")
    }

    @Test("absurd sizes are refused before allocating")
    func absurd() throws {
        let huge = try #require(try openEdited(replacing("\"shape\":[4,6]", "\"shape\":[281474976710656,281474976710656]")))
        #expect(huge.kind == .tooLarge)
        let bigChunk = try #require(try openEdited(replacing("\"chunks\":[2,3]", "\"chunks\":[100000,100000]")))
        #expect(bigChunk.kind == .tooLarge)
    }

    @Test("an unknown or structured dtype, and a v3 data_type mismatch")
    func badDType() throws {
        #expect(try openEdited(replacing("\"dtype\":\"<u2\"", "\"dtype\":\"<c8\""))?.kind == .unsupported)
        #expect(try openEdited(replacing("\"dtype\":\"<u2\"", "\"dtype\":[[\"a\",\"<u2\"]]"))?.kind == .unsupported)
        // The chunks hold uint16 data; declaring uint32 makes every chunk the wrong size.
        let error = try #require(try openEdited(replacing("\"data_type\":\"uint16\"", "\"data_type\":\"uint32\""), format: .v3))
        #expect(error.kind == .corruptChunk)
        #expect(error.location == "0/c/0/0")
    }

    @Test("not JSON, and a missing zarr.json member")
    func notJSON() throws {
        #expect(try openEdited({ _ in "{not json" })?.location == "0/.zarray")
        #expect(try openEdited(replacing("\"fill_value\":0,", ""), format: .v3)?.location == "0/zarr.json $.fill_value")
    }

    @Test("Fortran order is refused as unsupported; a sharding codec without its configuration is invalid")
    func unsupported() throws {
        #expect(try openEdited(replacing("\"order\":\"C\"", "\"order\":\"F\""))?.kind == .unsupported)
        let sharding = try #require(
            try openEdited(replacing("\"name\":\"bytes\"", "\"name\":\"sharding_indexed\""), format: .v3))
        #expect(sharding.kind == .invalidMetadata)
        #expect(sharding.location == "0/zarr.json $.codecs[0].configuration.chunk_shape")
        #expect(
            try openEdited(replacing("\"name\":\"blosc\"", "\"name\":\"lzma\""), format: .v3)?.location == "0/zarr.json $.codecs[1].name")
    }

    @Test("corrupt and truncated chunks name the chunk", arguments: [ZarrCompressor.bloscDefault, .zstd(level: 3), .none])
    func corruptChunk(compressor: ZarrCompressor) throws {
        let folder = try ZarrTestSupport.makeFolder()
        defer { ZarrTestSupport.remove(folder) }
        let store = folder.appendingPathComponent("c.zarr")
        try OMEZarr.write(
            try ZarrTestSupport.ramp([64, 64]), to: store,
            options: OMEZarrWriteOptions(format: .v3, chunkShape: [32, 32], compressor: compressor))
        let chunk = store.appendingPathComponent("0/c/1/0")
        let bytes = try Data(contentsOf: chunk)
        try bytes.prefix(bytes.count / 2).write(to: chunk)
        #expect(throws: ZarrError.self) { try OMEZarrImage(store: store).read() }
        // Garbage of the right length (valid data when uncompressed).
        guard compressor != .none else { return }
        try Data(repeating: 0xAB, count: bytes.count).write(to: chunk)
        do {
            _ = try OMEZarrImage(store: store).read()
            Issue.record("garbage chunk was accepted")
        } catch {
            #expect(error.kind == .corruptChunk)
            #expect(error.location == "0/c/1/0")
        }
        // A region that avoids the bad chunk still reads.
        #expect(try OMEZarrImage(store: store).read(origin: [0, 0], shape: [32, 64]).shape == [32, 64])
    }

    @Test("multiscales with a path leaving the store, or no datasets")
    func badMultiscales() throws {
        let folder = try ZarrTestSupport.makeFolder()
        defer { ZarrTestSupport.remove(folder) }
        let store = folder.appendingPathComponent("m.zarr")
        try OMEZarr.write(try ZarrTestSupport.ramp([4, 4]), to: store)
        let attributes = store.appendingPathComponent(".zattrs")
        try "{\"multiscales\": [{\"axes\": [\"y\", \"x\"], \"datasets\": [{\"path\": \"../x\"}]}]}".write(
            to: attributes, atomically: false, encoding: .utf8)
        let escape = try #require(throws: ZarrError.self) { try OMEZarrImage(store: store) }
        #expect(escape.location == ".zattrs $.multiscales[0].datasets[0].path")
        try "{\"multiscales\": [{\"axes\": [\"y\", \"x\"], \"datasets\": []}]}".write(to: attributes, atomically: false, encoding: .utf8)
        let error = try #require(throws: ZarrError.self) { try OMEZarrImage(store: store) }
        #expect(error.location == ".zattrs $.multiscales[0].datasets")
    }
}
