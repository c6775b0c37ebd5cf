import Foundation
import ImJoySchema
import Synchronization
import TestSupport
import Testing

@testable import ImageIO

/// Tiled pages, pages written in bands of rows, and sub-resolution levels in SubIFDs, read back
/// here and by tifffile.
@Suite("TIFF tiles, bands and SubIFD levels")
struct TIFFTiledWriteTests {
    static let compressions: [Compression] = [.none, .deflate(level: 6), .lzw, .zstd(level: 3)]

    @Test(
        "tiled pages read back bit-exact, edge tiles included", PythonCheck.required, arguments: compressions,
        [DType.uint8, .int16, .float64])
    func tiledRoundTrip(compression: Compression, dtype: DType) throws {
        let directory = try Fixtures.temporaryDirectory("tiff-tiles")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("tiled.tif")
        // 37 × 53 pages: tiles of 16 × 32 overhang both the bottom and the right edge.
        let array = try makeTestArray(shape: [2, 37, 53], dtype: dtype, seed: 11)
        var options = TIFFWriter.Options(compression: compression)
        options.tile = TIFFWriter.TileSize(height: 16, width: 32)
        try TIFFWriter.write(array, to: url, options: options)

        #expect(try TIFFReader.read(contentsOf: url).array == array)
        #expect(try TIFFStackSource(url: url).readAll(limit: .max) == array)
        let (facts, bytes) = try PythonCheck.readTIFF(url)
        #expect(facts["tiled"] == true, "\(facts)")
        #expect(facts["tile"] == [16, 32], "\(facts)")
        #expect(facts["shape"] == [2, 37, 53])
        let same = array.withUnsafeBytes { Array($0) } == bytes
        #expect(same, "tifffile read different pixels")
    }

    /// A source that records the boxes a writer reads.
    final class RecordingSource: ArraySource {
        let array: NDArray
        let boxes = Mutex<[[Int]]>([])
        init(_ array: NDArray) { self.array = array }
        var shape: [Int] { array.shape }
        var dtype: DType { array.dtype }
        var metadata: ArrayMetadata? { nil }
        func read(origin: [Int], shape: [Int]) throws -> NDArray {
            boxes.withLock { $0.append(shape) }
            return try array.read(origin: origin, shape: shape)
        }
    }

    @Test(
        "a page larger than the block budget is written in bands, SubIFD levels too, the same bytes as at once",
        arguments: compressions, [(false, 0), (true, 0), (false, 2), (true, 2)])
    func bandsMakeTheSameFile(compression: Compression, layout: (tiled: Bool, levels: Int)) throws {
        let tiled = layout.tiled
        let directory = try Fixtures.temporaryDirectory("tiff-bands")
        defer { try? FileManager.default.removeItem(at: directory) }
        let array = try makeTestArray(shape: [2, 200, 90], dtype: .uint16, seed: 3)
        var options = TIFFWriter.Options(compression: compression)
        options.rowsPerStrip = 8
        if tiled { options.tile = TIFFWriter.TileSize(height: 32, width: 48) }
        options.subResolutionLevels = layout.levels
        let whole = directory.appendingPathComponent("whole.tif")
        let banded = directory.appendingPathComponent("banded.tif")
        try TIFFWriter.write(array, to: whole, options: options)
        let source = RecordingSource(array)
        // 70 rows of 90 uint16: bands of 64 rows (tiles) or 64 rows (strips of 8).
        try TIFFWriter.write(source: source, to: banded, options: options, blockBytes: 70 * 90 * 2)

        let boxes = source.boxes.withLock { $0 }
        #expect(boxes.count > 2 && boxes.allSatisfy { $0[0] == 1 && $0[1] < 200 }, "not written in bands: \(boxes)")
        #expect(try Data(contentsOf: banded) == Data(contentsOf: whole))
        #expect(try TIFFReader.read(contentsOf: banded).array == array)
        if layout.levels > 0 {
            let facts = try PythonCheck.command(["levels", banded.path])
            #expect(facts == [[2, 200, 90], [2, 100, 45], [2, 50, 23]], "\(facts)")
        }
    }

    static let pyramidCheck = """
        import sys, json, tifffile, numpy as np
        with tifffile.TiffFile(sys.argv[1]) as t:
            s = t.series[0]
            out = {"is_ome": t.is_ome, "pages": len(t.pages), "subifds": len(t.pages[0].subifds or []),
                   "levels": [list(l.shape) for l in s.levels], "tiled": t.pages[0].is_tiled,
                   "subfiletypes": [int(l.keyframe.subfiletype) for l in s.levels], "diffs": []}
            previous = s.levels[0].asarray().astype(np.float64)
            for level in s.levels[1:]:
                got = level.asarray().astype(np.float64)
                h, w = previous.shape[-2:]
                padded = np.full(previous.shape[:-2] + (h + h % 2, w + w % 2), np.nan)
                padded[..., :h, :w] = previous
                blocks = padded.reshape(previous.shape[:-2] + ((h + 1) // 2, 2, (w + 1) // 2, 2))
                expected = np.floor(np.nanmean(blocks, axis=(-3, -1)) + 0.5)
                out["diffs"].append(float(np.abs(got - expected).max()))
                previous = expected
        print(json.dumps(out))
        """

    @Test("OME-TIFF pyramids: SubIFD levels of 2×2 means, as tifffile reads them", PythonCheck.required, arguments: [false, true])
    func subResolutionLevels(tiled: Bool) throws {
        let directory = try Fixtures.temporaryDirectory("tiff-levels")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("pyramid.ome.tif")
        var array = try makeTestArray(shape: [3, 67, 45], dtype: .uint16, seed: 5)
        array.metadata = ArrayMetadata(axes: [.init(name: "z"), .init(name: "y"), .init(name: "x")])
        var options = ArrayWriteOptions(compression: .deflate(level: 6))
        options.pyramidLevels = 2
        if tiled { options.tileShape = [16, 16] }
        try TIFFFormat().write(array, to: url, options: options)

        // The main chain holds only the full-resolution pages.
        #expect(try TIFFReader.read(contentsOf: url).array == array)
        let result = try CommandRunner.python(Self.pyramidCheck, [url.path])
        try #require(result.status == 0, "\(result.standardError)")
        let facts = try JSONValue(jsonText: result.standardOutput)
        #expect(facts["is_ome"] == true && facts["pages"] == 3 && facts["subifds"] == 2, "\(facts)")
        #expect(facts["levels"] == [[3, 67, 45], [3, 34, 23], [3, 17, 12]], "\(facts)")
        #expect(facts["subfiletypes"] == [0, 1, 1], "\(facts)")
        #expect(facts["tiled"]?.boolValue == tiled)
        #expect(facts["diffs"] == [0, 0], "levels differ from numpy's 2×2 means: \(facts)")
    }

    @Test("layouts TIFF cannot store are refused, naming the file")
    func refusals() throws {
        let directory = try Fixtures.temporaryDirectory("tiff-refuse")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("x.tif")
        let array = try makeTestArray(shape: [40, 40], dtype: .uint8)
        var options = TIFFWriter.Options()
        options.tile = TIFFWriter.TileSize(height: 20, width: 16)
        #expect(throws: TIFFError.self) { try TIFFWriter.write(array, to: url, options: options) }
        options.tile = TIFFWriter.TileSize(height: 16, width: 16)
        options.description = .imageJ
        do {
            try TIFFWriter.write(array, to: url, options: options)
            Issue.record("an ImageJ tiled TIFF was written")
        } catch {
            #expect("\(error)".contains(url.path) && "\(error)".contains("ImageJ"), "\(error)")
        }
        options = TIFFWriter.Options()
        options.subResolutionLevels = 17
        #expect(throws: TIFFError.self) { try TIFFWriter.write(array, to: url, options: options) }
        #expect(!FileManager.default.fileExists(atPath: url.path))

        var tiled = ArrayWriteOptions()
        tiled.tileShape = [16, 16]
        #expect(throws: ArrayFormatError.self) {
            try HDF5Format().write(array, to: directory.appendingPathComponent("x.h5"), options: tiled)
        }
        #expect(throws: ArrayFormatError.self) {
            try ZarrFormat().write(array, to: directory.appendingPathComponent("x.zarr"), options: tiled)
        }
        var levels = ArrayWriteOptions()
        levels.pyramidLevels = 1
        #expect(throws: ArrayFormatError.self) {
            try HDF5Format().write(array, to: directory.appendingPathComponent("y.h5"), options: levels)
        }
    }

    @Test("pages decoded by several workers: the whole stack, and the first bad page named", PythonCheck.required)
    func parallelPageDecoding() throws {
        let directory = try Fixtures.temporaryDirectory("tiff-parallel")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("stack.tif")
        let array = try makeTestArray(shape: [9, 70, 50], dtype: .uint16, seed: 4)
        var options = TIFFWriter.Options(compression: .deflate(level: 6))
        options.tile = TIFFWriter.TileSize(height: 32, width: 16)
        try TIFFWriter.write(array, to: url, options: options)
        #expect(try TIFFReader.read(contentsOf: url).array == array)

        // Eight pages of one shape, then pages 2 and 6 of another (one per worker on two cores): the error names page 2, the first.
        let mixed = directory.appendingPathComponent("mixed.tif")
        let written = try CommandRunner.python(
            """
            import sys, numpy as np, tifffile
            with tifffile.TiffWriter(sys.argv[1]) as t:
                for i in range(8):
                    t.write(np.zeros((20, 30) if i in (2, 6) else (20, 20), np.uint8), compression='zlib', contiguous=False)
            """, [mixed.path])
        try #require(written.status == 0, "\(written.standardError)")
        do {
            _ = try TIFFReader.read(contentsOf: mixed)
            Issue.record("pages of two shapes were read as one stack")
        } catch .inconsistentPages(_, let page, _) {
            #expect(page == 2)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
