import Foundation
import TestSupport
import Testing

/// The peak memory of streamed runs and conversions: a 256 MiB stack goes through with a 4 MiB
/// limit — written block by block, or read in statistics passes — while the process's peak
/// resident size stays under half the array. Measured with
/// `getrusage(RUSAGE_CHILDREN)` in a Python parent whose only child is imjoy-run (no timing asserted).
@Suite(
    "streaming keeps memory bounded",
    .enabled(if: TestConditions.pythonWithNumpy && TestConditions.zarrPython, "needs python3 with numpy and zarr"))
struct StreamingMemoryTests {
    /// A 128 × 1024 × 1024 uint16 OME-Zarr-less Zarr array (`big.zarr`), written 8 planes at a time.
    static let makeStack = """
        import numpy as np, zarr, sys, os
        os.chdir(sys.argv[1])
        z = zarr.create_array('big.zarr', shape=(128, 1024, 1024), chunks=(8, 256, 256), dtype='uint16', zarr_format=2)
        plane = (np.arange(8 * 1024 * 1024, dtype=np.uint32).reshape(8, 1024, 1024) * 7) % 65521
        for i in range(0, 128, 8): z[i:i + 8] = (plane + i).astype(np.uint16)
        """

    /// Runs argv[2:] in folder argv[1]; prints the child's exit status and peak RSS in KiB.
    static let measure = """
        import resource, subprocess, sys
        done = subprocess.run(sys.argv[2:], cwd=sys.argv[1], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        sys.stderr.write(done.stderr.decode()[-2000:])
        print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
        """

    static let arrayBytes = 128 * 1024 * 1024 * 2

    /// Runs imjoy-run with `arguments` in `folder`; returns its peak RSS in bytes.
    static func peak(_ arguments: [String], in folder: TemporaryDirectory) throws -> Int {
        let result = try CommandRunner.python(measure, [folder.path, Fixtures.imjoyRunExecutable.path] + arguments)
        let fields = result.standardOutput.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        try #require(result.status == 0 && fields.count == 2, "\(result.standardOutput) \(result.standardError)")
        #expect(fields[0] == 0, "imjoy-run failed: \(result.standardError)")
        return fields[1] * 1024
    }

    @Test("convert Zarr → TIFF → Zarr and a read → threshold → write-zarr run stay under half the array's size")
    func peakMemory() throws {
        let folder = try TemporaryDirectory("streaming-memory")
        let made = try CommandRunner.python(Self.makeStack, [folder.path])
        try #require(made.status == 0, "\(made.standardError)")
        let workflow = """
            {"name": "big", "version": "1.0", "inputs": {"images": {"glob": "big.zarr"}},
             "ops": [{"id": "load", "builtin": "read-zarr", "data": "$inputs.images"},
                     {"id": "mask", "builtin": "threshold", "config": {"method": "value", "value": 30000}},
                     {"id": "save", "builtin": "write-zarr", "config": {"path": "{item}_mask.ome.zarr"}, "data": "$mask"}]}
            """
        try workflow.write(to: folder.appending("w.json"), atomically: true, encoding: .utf8)
        let converted = try Self.peak(["convert", "big.zarr", "big.tif", "--memory-limit", "4M"], in: folder)
        #expect(converted < Self.arrayBytes / 2, "convert peaked at \(converted) bytes for a \(Self.arrayBytes)-byte array")
        let back = try Self.peak(["convert", "big.tif", "back.zarr", "--memory-limit", "4M"], in: folder)
        #expect(back < Self.arrayBytes / 2, "convert from TIFF peaked at \(back) bytes for a \(Self.arrayBytes)-byte array")
        let ran = try Self.peak(["run", "w.json", "--out", "out", "--no-cache", "--memory-limit", "4M"], in: folder)
        #expect(ran < Self.arrayBytes / 2, "the run peaked at \(ran) bytes for a \(Self.arrayBytes)-byte array")
        let check = try CommandRunner.python(
            """
            import numpy as np, zarr, tifffile, sys, os
            os.chdir(sys.argv[1])
            a = zarr.open_array('big.zarr', mode='r')
            for i in (0, 77, 127):
                plane = a[i]
                assert np.array_equal(tifffile.imread('big.tif', key=i), plane)
                assert np.array_equal(zarr.open_group('back.zarr', mode='r')['0'][i], plane)
                m = zarr.open_group('out/big_mask.ome.zarr', mode='r')['0'][i]
                assert np.array_equal(m, (plane > 30000).astype(np.uint8))
            """, [folder.path])
        #expect(check.status == 0, "\(check.standardError)")
    }

    @Test("threshold otsu and a crop → float32 → normalize run (statistics passes) stay under half the array's size")
    func statisticsPasses() throws {
        let folder = try TemporaryDirectory("streaming-memory")
        let made = try CommandRunner.python(Self.makeStack, [folder.path])
        try #require(made.status == 0, "\(made.standardError)")
        // otsu: min/max, then histogram passes; normalize of float32: radix-selection passes.
        let workflow = """
            {"name": "passes", "version": "1.0", "inputs": {"images": {"glob": "big.zarr"}},
             "ops": [{"id": "load", "builtin": "read-zarr", "data": "$inputs.images"},
                     {"id": "otsu", "builtin": "threshold", "config": {"method": "otsu"}},
                     {"id": "save-otsu", "builtin": "write-zarr", "config": {"path": "{item}_otsu.ome.zarr"}, "data": "$otsu"},
                     {"id": "crop", "builtin": "crop", "config": {"region": "::2, ::2, ::2"}, "data": "$load"},
                     {"id": "float", "builtin": "convert-dtype", "config": {"dtype": "float32"}},
                     {"id": "norm", "builtin": "normalize"},
                     {"id": "save-norm", "builtin": "write-zarr", "config": {"path": "{item}_norm.ome.zarr"}, "data": "$norm"}]}
            """
        try workflow.write(to: folder.appending("w.json"), atomically: true, encoding: .utf8)
        let ran = try Self.peak(["run", "w.json", "--out", "out", "--no-cache", "--memory-limit", "4M"], in: folder)
        #expect(ran < Self.arrayBytes / 2, "the run peaked at \(ran) bytes for a \(Self.arrayBytes)-byte array")
        let check = try CommandRunner.python(
            """
            import numpy as np, zarr, sys, os
            os.chdir(sys.argv[1])
            a = zarr.open_array('big.zarr', mode='r')[()]
            counts, edges = np.histogram(a, bins=256, range=(int(a.min()), int(a.max())))
            centers = (edges[:-1] + edges[1:]) / 2.0
            w1, w2 = np.cumsum(counts), np.cumsum(counts[::-1])[::-1]
            m1 = np.cumsum(counts * centers) / w1
            m2 = (np.cumsum((counts * centers)[::-1]) / w2[::-1])[::-1]
            t = centers[np.argmax(w1[:-1] * w2[1:] * (m1[:-1] - m2[1:]) ** 2)]
            mask = zarr.open_group('out/big_otsu.ome.zarr', mode='r')['0']
            for i in (0, 77, 127):
                assert np.array_equal(mask[i], (a[i] > t).astype(np.uint8)), i
            c = a[::2, ::2, ::2].astype(np.float32)
            lo, hi = np.percentile(c, [1, 99.8])
            norm = zarr.open_group('out/big_norm.ome.zarr', mode='r')['0']
            assert norm.shape == c.shape and norm.dtype == np.float32
            for i in (0, 31, 63):
                assert np.allclose(norm[i], np.clip((c[i] - lo) / (hi - lo), 0, 1), atol=1e-6), i
            """, [folder.path])
        #expect(check.status == 0, "\(check.standardError)")
    }
}
