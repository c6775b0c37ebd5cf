import Foundation
import TestSupport
import Testing

@testable import ImageIO

/// Lazy sources and block-wise writers: boxes equal the same box of the whole array, and a file
/// written block by block equals the file the in-memory writer makes (byte for byte for TIFF and
/// HDF5, chunk for chunk for Zarr).
@Suite("streaming sources and writers")
struct StreamingIOTests {
    /// A 7 × 45 × 61 uint16 ramp with a bit of hash noise.
    static func stack() throws -> NDArray {
        let shape = [7, 45, 61]
        let values = (0..<shape.reduce(1, *)).map { UInt16(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 7 ^ $0) }
        return try NDArray(shape: shape, elements: values)
    }

    static let boxes: [(origin: [Int], shape: [Int])] = [
        ([0, 0, 0], [7, 45, 61]), ([2, 5, 9], [3, 17, 20]), ([6, 44, 60], [1, 1, 1]), ([0, 13, 0], [7, 1, 61]), ([1, 0, 33], [2, 45, 0]),
    ]

    @Test("block grids cover the array with whole units within the budget")
    func blockGrid() {
        let rows = BlockGrid(shape: [10, 100, 100], unit: [2, 16, 16], elementSize: 2, budget: 2 * 100 * 100 * 2)
        #expect(rows.blockShape == [2, 100, 100])
        #expect(rows.count == 5)
        #expect(rows.block(4) == ([8, 0, 0], [2, 100, 100]))
        let tiny = BlockGrid(shape: [10, 100, 100], unit: [2, 16, 16], elementSize: 2, budget: 1)
        #expect(tiny.blockShape == [2, 16, 16], "never less than one unit")
        #expect(tiny.block(tiny.count - 1) == ([8, 96, 96], [2, 4, 4]))
        let cubic = BlockGrid(shape: [64, 512, 512], unit: [4, 64, 64], elementSize: 1, budget: 64 * 128 * 128, cubic: true)
        #expect(cubic.blockShape == [64, 128, 128])
        #expect(BlockGrid(shape: [0, 5], unit: [1, 5], elementSize: 1, budget: 10).count == 0)
        // A source chunk (HDF5 (1, 1024, 2048)) grows a destination unit (Zarr (16, 256, 256)) to
        // whole source chunks while that fits the budget.
        let grown = BlockGrid.unit([16, 256, 256], covering: [1, 1024, 2048], shape: [32, 4096, 4096], elementSize: 2, budget: 64 << 20)
        #expect(grown == [16, 1024, 2048])
        #expect(
            BlockGrid.unit([16, 256, 256], covering: [1, 1024, 2048], shape: [32, 4096, 4096], elementSize: 2, budget: 1 << 20) == [
                16, 256, 256,
            ])
        #expect(BlockGrid.unit([4, 8], covering: [10, 3], shape: [9, 100], elementSize: 1, budget: 1 << 20) == [12, 8])
        #expect(BlockGrid.unit([4, 8], covering: nil, shape: [9, 100], elementSize: 1, budget: 1 << 20) == [4, 8])
    }

    @Test("TIFF, HDF5 and Zarr sources read the boxes of the whole array")
    func sources() throws {
        let folder = try TemporaryDirectory("streaming-io")
        let array = try Self.stack()
        var options = TIFFWriter.Options(compression: .deflate(level: 6))
        options.rowsPerStrip = 4
        try TIFFWriter.write(array, to: folder.appending("strips.tif"), options: options)
        let writer = try HDF5Writer(url: folder.appending("chunks.h5"))
        try writer.writeDataset("/data", array, layout: .chunked(chunkShape: [2, 8, 8], compression: .deflate(level: 4), shuffle: true))
        try writer.commit()
        try OMEZarr.write(array, to: folder.appending("chunks.zarr"), options: OMEZarrWriteOptions(chunkShape: [3, 16, 16]))
        let sources: [any ArraySource] = [
            array, try TIFFFormat().source(folder.appending("strips.tif"), name: nil),
            try HDF5Format().source(folder.appending("chunks.h5"), name: "data"),
            try ZarrFormat().source(folder.appending("chunks.zarr"), name: nil),
        ]
        for source in sources {
            #expect(source.shape == array.shape && source.dtype == .uint16)
            for (origin, shape) in Self.boxes {
                #expect(
                    try source.read(origin: origin, shape: shape) == array.read(origin: origin, shape: shape),
                    "\(type(of: source)) \(origin)")
            }
            #expect(throws: ArraySourceError.self) { try source.read(origin: [6, 0, 0], shape: [2, 1, 1]) }
        }
        #expect(try array.read(origin: [2, 5, 9], shape: [1, 1, 1])[0, 0, 0] == array[2, 5, 9])
    }

    @Test("TIFF and HDF5 written block by block are byte-identical to the in-memory writers'", arguments: [1, 5000, 1 << 30])
    func sameFiles(blockBytes: Int) throws {
        let folder = try TemporaryDirectory("streaming-io")
        let array = try Self.stack()
        for compression in [Compression.none, .deflate(level: 6), .zstd(level: 3)] {
            let options = TIFFWriter.Options(compression: compression)
            try TIFFWriter.write(array, to: folder.appending("whole.tif"), options: options)
            try TIFFWriter.write(source: array, to: folder.appending("blocks.tif"), options: options, blockBytes: blockBytes)
            #expect(try Data(contentsOf: folder.appending("whole.tif")) == Data(contentsOf: folder.appending("blocks.tif")))
        }
        for layout in [HDF5Layout.contiguous, .chunked(chunkShape: [2, 16, 16], compression: .deflate(level: 4), shuffle: true)] {
            let whole = try HDF5Writer(url: folder.appending("whole.h5"))
            try whole.writeDataset("/data", array, layout: layout)
            try whole.commit()
            let blocks = try HDF5Writer(url: folder.appending("blocks.h5"))
            try blocks.writeDataset("/data", source: array, layout: layout, blockBytes: blockBytes)
            try blocks.commit()
            #expect(try HDF5File(contentsOf: folder.appending("blocks.h5")).readDataset("/data") == array)
            #expect(try Data(contentsOf: folder.appending("whole.h5")) == Data(contentsOf: folder.appending("blocks.h5")), "\(layout)")
        }
    }

    @Test(
        "Zarr written block by block has the in-memory writer's chunks, pyramid levels included",
        arguments: [1, 5000, 1 << 30], [0, 2])
    func sameChunks(blockBytes: Int, levels: Int) throws {
        let folder = try TemporaryDirectory("streaming-io")
        let array = try Self.stack()
        let cases = ZarrArrayMetadata.Format.allCases.flatMap { format in
            OMEZarrDownsampling.allCases.map { (format, $0) }
        }
        for (index, (format, downsampling)) in cases.enumerated() {
            var options = OMEZarrWriteOptions(format: format, chunkShape: [3, 16, 16], compressor: .bloscDefault, pyramidLevels: levels)
            options.downsampling = downsampling
            options.downsampleZ = downsampling == .nearest
            let whole = folder.appending("whole-\(index).zarr")
            let blocks = folder.appending("blocks-\(index).zarr")
            try OMEZarr.write(array, to: whole, options: options)
            try OMEZarr.write(source: array, to: blocks, options: options, blockBytes: blockBytes)
            let files = try FileManager.default.subpathsOfDirectory(atPath: whole.path).sorted()
            #expect(files == (try FileManager.default.subpathsOfDirectory(atPath: blocks.path).sorted()))
            #expect(files.contains { $0.hasPrefix("\(levels)/") || $0 == "\(levels)" }, "level \(levels) missing: \(files)")
            for file in files {
                var isDirectory: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: whole.appendingPathComponent(file).path, isDirectory: &isDirectory)
                guard !isDirectory.boolValue else { continue }
                #expect(
                    try Data(contentsOf: whole.appendingPathComponent(file)) == Data(contentsOf: blocks.appendingPathComponent(file)),
                    "\(format) \(downsampling): \(file)")
            }
        }
    }
}
