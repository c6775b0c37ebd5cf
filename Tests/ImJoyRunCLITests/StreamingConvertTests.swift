import Foundation
import TestSupport
import Testing

/// `convert` of arrays larger than `--memory-limit`: read a page, chunk or hyperslab at a time and
/// written as they go; checked pixel by pixel with tifffile, h5py and zarr-python.
@Suite("convert streams arrays larger than the memory limit")
struct StreamingConvertTests {
    /// Writes `a.npy` (a 20 × 70 × 90 uint16 stack) and the same stack as `strips.tif`,
    /// `tiles.tif` (16 × 16 tiles, deflate), `chunks.h5` (gzip chunks) and `chunks.zarr`.
    static let makeInputs = """
        import numpy as np, tifffile, h5py, zarr, sys, os
        os.chdir(sys.argv[1])
        a = (np.random.default_rng(3).random((20, 70, 90)) * 60000).astype(np.uint16)
        np.save('a.npy', a)
        tifffile.imwrite('strips.tif', a, rowsperstrip=8)
        tifffile.imwrite('tiles.tif', a, tile=(16, 16), compression='zlib')
        with h5py.File('chunks.h5', 'w') as f: f.create_dataset('data', data=a, chunks=(3, 32, 32), compression='gzip')
        z = zarr.create_array('chunks.zarr', shape=a.shape, chunks=(4, 32, 32), dtype='uint16', zarr_format=2)
        z[:] = a
        """

    static let compare = """
        import numpy as np, tifffile, h5py, zarr, sys
        a = np.load(sys.argv[1])
        path = sys.argv[2]
        if path.endswith('.tif'):
            b = tifffile.imread(path)
            assert tifffile.TiffFile(path).is_ome == path.endswith('.ome.tif')
        elif path.endswith('.h5'):
            with h5py.File(path) as f: b = f['data'][()]
        else:
            g = zarr.open_group(path, mode='r')
            assert g.attrs['multiscales'][0]['datasets'][0]['path'] == '0'
            b = g['0'][()]
        assert b.dtype == a.dtype and b.shape == a.shape, (b.dtype, b.shape)
        assert np.array_equal(a, b)
        """

    @Test(
        "every input format to every output format, block by block, equals the input",
        .enabled(if: TestConditions.pythonWithNumpy && TestConditions.zarrPython, "needs python3 with numpy, tifffile, h5py and zarr"),
        arguments: [
            ("strips.tif", "out.zarr"), ("tiles.tif", "out.zarr"), ("chunks.zarr", "out.tif"), ("chunks.h5", "out.zarr"),
            ("chunks.zarr", "out.h5"), ("tiles.tif", "out.h5"), ("chunks.h5", "out.tif"), ("chunks.zarr", "copy.zarr"),
            ("chunks.h5", "out.ome.tif"),
        ])
    func pairs(input: String, output: String) throws {
        let folder = try TemporaryDirectory("streaming-convert")
        let made = try CommandRunner.python(Self.makeInputs, [folder.path])
        try #require(made.status == 0, "\(made.standardError)")
        let compression = output.hasSuffix(".h5") ? "gzip" : output.hasSuffix(".zarr") ? "blosc" : "zstd"
        let result = try CommandRunner.imjoyRun(
            ["convert", folder.appending(input).path, folder.appending(output).path, "--memory-limit", "16K", "--compression", compression])
        #expect(result.status == 0, "\(result.standardError)")
        let check = try CommandRunner.python(Self.compare, [folder.appending("a.npy").path, folder.appending(output).path])
        #expect(check.status == 0, "\(check.standardError)")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "temporary siblings left: \(leftovers)")
    }

    @Test("a memory limit that is not a size is a usage error", arguments: ["0", "-5", "lots", "12Q", "100"])
    func badLimit(text: String) throws {
        let folder = try TemporaryDirectory("streaming-convert")
        let result = try CommandRunner.imjoyRun(
            ["convert", folder.appending("in.tif").path, folder.appending("out.zarr").path, "--memory-limit", text])
        #expect(result.status == 2)
        #expect(result.standardError.contains("--memory-limit"), "\(result.standardError)")
    }
}
