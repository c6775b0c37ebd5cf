import Foundation
import TestSupport
import Testing

/// Runs of built-in ops on arrays larger than `--memory-limit` (a tiny limit forces the
/// streaming path on small arrays: at 4K every result but the 2 KB mean projection stays lazy): the results equal the in-memory run's bit for bit, ops
/// that need the whole array fail naming op, item and size, and memory stays bounded.
@Suite(
    "runs stream arrays larger than the memory limit",
    .enabled(if: TestConditions.pythonWithNumpy && TestConditions.zarrPython, "needs python3 with numpy, tifffile, h5py and zarr"))
struct StreamingRunTests {
    /// `a.npy`, and the same 3-d uint16 stack as `a.tif`, `a.h5` (dataset `data`) and `a.zarr`.
    static let makeInputs = """
        import numpy as np, tifffile, h5py, zarr, sys, os
        os.chdir(sys.argv[1])
        z, y, x = np.mgrid[0:13, 0:40, 0:50]
        a = ((np.sin(z / 3.0) + np.cos(y / 5.0) * np.sin(x / 7.0)) * 20000 + 30000).astype(np.uint16)
        a += (np.random.default_rng(1).random(a.shape) * 3000).astype(np.uint16)
        np.save('a.npy', a)
        tifffile.imwrite('a.tif', a)
        with h5py.File('a.h5', 'w') as f: f.create_dataset('data', data=a, chunks=(2, 16, 16), compression='gzip')
        zarr.create_array('a.zarr', shape=a.shape, chunks=(4, 16, 16), dtype='uint16', zarr_format=2)[:] = a
        """

    static func workflow(input: String, mode: String) -> String {
        let reader = ["tif": "read-tiff", "h5": "read-hdf5", "zarr": "read-zarr"][input]!
        return """
            {"name": "stream", "version": "1.0", "inputs": {"images": {"glob": "a.\(input)"}},
             "ops": [{"id": "load", "builtin": "\(reader)", "data": "$inputs.images"},
                     {"id": "smooth", "builtin": "gaussian", "config": {"sigma": 1.7, "mode": "\(mode)"}},
                     {"id": "mask", "builtin": "threshold", "config": {"method": "value", "value": 31000, "foreground": 255}},
                     {"id": "save-mask", "builtin": "write-zarr", "config": {"path": "{item}_mask.ome.zarr", "chunks": "3, 16, 16", "levels": 2}, "data": "$mask"},
                     {"id": "save-smooth", "builtin": "write-tiff", "config": {"path": "{item}_smooth.tif"}, "data": "$smooth"},
                     {"id": "zmax", "builtin": "max-projection", "config": {"axis": 0}, "data": "$smooth"},
                     {"id": "save-zmax", "builtin": "write-zarr", "config": {"path": "{item}_zmax.ome.zarr"}, "data": "$zmax"},
                     {"id": "xmean", "builtin": "mean-projection", "config": {"axis": 2}, "data": "$load"},
                     {"id": "save-xmean", "builtin": "write-zarr", "config": {"path": "{item}_xmean.ome.zarr"}, "data": "$xmean"},
                     {"id": "cast", "builtin": "convert-dtype", "config": {"dtype": "int32"}, "data": "$load"},
                     {"id": "save-cast", "builtin": "write-zarr", "config": {"path": "{item}_cast.ome.zarr"}, "data": "$cast"},
                     {"id": "plain", "builtin": "convert-dtype", "config": {"dtype": "float32"}, "data": "$load"},
                     {"id": "h5-smooth", "builtin": "write-hdf5", "config": {"path": "{item}.h5", "dataset": "smooth"}, "data": "$smooth"},
                     {"id": "h5-mask", "builtin": "write-hdf5", "config": {"path": "{item}.h5", "dataset": "mask"}, "data": "$mask"},
                     {"id": "h5-shared", "builtin": "write-hdf5", "config": {"path": "all.h5", "dataset": "raw", "compression": "none"}, "data": "$load"}]}
            """
    }

    /// The outputs of two runs, compared bit for bit (`smooth.tif` as raw float32 bits).
    static let compareRuns = """
        import numpy as np, tifffile, zarr, sys
        first, second = sys.argv[1], sys.argv[2]
        for name in ['mask', 'zmax', 'xmean', 'cast']:
            a = zarr.open_group(f'{first}/a_{name}.ome.zarr', mode='r')['0'][()]
            b = zarr.open_group(f'{second}/a_{name}.ome.zarr', mode='r')['0'][()]
            assert a.dtype == b.dtype and a.shape == b.shape, (name, a.dtype, b.dtype, a.shape, b.shape)
            assert np.array_equal(a.view(np.uint8), b.view(np.uint8)), name
        for level in ['1', '2']:
            a = zarr.open_group(f'{first}/a_mask.ome.zarr', mode='r')[level][()]
            b = zarr.open_group(f'{second}/a_mask.ome.zarr', mode='r')[level][()]
            assert a.shape == b.shape == (13, (40 + 2 ** int(level) - 1) // 2 ** int(level), (50 + 2 ** int(level) - 1) // 2 ** int(level)), a.shape
            assert np.array_equal(a, b), f'mask level {level}'
        a = tifffile.imread(f'{first}/a_smooth.tif'); b = tifffile.imread(f'{second}/a_smooth.tif')
        assert a.dtype == np.float32 and np.array_equal(a.view(np.uint32), b.view(np.uint32))
        import h5py
        for file, dataset in [('a.h5', 'smooth'), ('a.h5', 'mask'), ('all.h5', 'a/raw')]:
            with h5py.File(f'{first}/{file}') as f, h5py.File(f'{second}/{file}') as g:
                x, y = f[dataset][()], g[dataset][()]
                assert x.dtype == y.dtype and np.array_equal(x.view(np.uint8), y.view(np.uint8)), (file, dataset)
        a = tifffile.imread(f'{first}/a/plain.tif'); b = tifffile.imread(f'{second}/a/plain.tif')
        assert a.dtype == np.float32 and np.array_equal(a, b), 'a result no op consumes is written block by block'
        mask = zarr.open_group(f'{second}/a_mask.ome.zarr', mode='r')['0'][()]
        assert 0 < (mask == 255).sum() < mask.size, 'the threshold splits the image'
        """

    @Test(
        "read → gaussian → threshold → write-zarr, projections and casts equal the in-memory run bit for bit",
        arguments: [("zarr", "reflect"), ("tif", "nearest"), ("h5", "mirror"), ("zarr", "constant")])
    func streamedEqualsInMemory(input: String, mode: String) throws {
        let folder = try TemporaryDirectory("streaming-run")
        let made = try CommandRunner.python(Self.makeInputs, [folder.path])
        try #require(made.status == 0, "\(made.standardError)")
        try Self.workflow(input: input, mode: mode).write(to: folder.appending("w.json"), atomically: true, encoding: .utf8)
        let whole = try CommandRunner.imjoyRun(["run", "w.json", "--out", "whole", "--no-cache"], in: folder.url)
        #expect(whole.status == 0, "\(whole.standardError)")
        let streamed = try CommandRunner.imjoyRun(
            ["run", "w.json", "--out", "streamed", "--no-cache", "--memory-limit", "4K"], in: folder.url)
        #expect(streamed.status == 0, "\(streamed.standardError)")
        let check = try CommandRunner.python(Self.compareRuns, [folder.appending("whole").path, folder.appending("streamed").path])
        #expect(check.status == 0, "\(check.standardError)")
    }

    /// crop (a lazy view), threshold otsu/mean, normalize and convert-dtype rescale (statistics
    /// passes, then point-wise), stats (statistics passes only).
    static let statisticsWorkflow = """
        {"name": "passes", "version": "1.0", "inputs": {"images": {"glob": "a.zarr"}},
         "ops": [{"id": "load", "builtin": "read-zarr", "data": "$inputs.images"},
                 {"id": "crop", "builtin": "crop", "config": {"region": "1:12, ::-3, 5::2"}},
                 {"id": "save-crop", "builtin": "write-zarr", "config": {"path": "{item}_crop.ome.zarr"}, "data": "$crop"},
                 {"id": "otsu", "builtin": "threshold", "config": {"method": "otsu", "foreground": 255}, "data": "$load"},
                 {"id": "save-otsu", "builtin": "write-zarr", "config": {"path": "{item}_otsu.ome.zarr"}, "data": "$otsu"},
                 {"id": "mean", "builtin": "threshold", "config": {"method": "mean", "foreground": 7}, "data": "$crop"},
                 {"id": "save-mean", "builtin": "write-zarr", "config": {"path": "{item}_mean.ome.zarr"}, "data": "$mean"},
                 {"id": "norm", "builtin": "normalize", "data": "$load"},
                 {"id": "save-norm", "builtin": "write-zarr", "config": {"path": "{item}_norm.ome.zarr"}, "data": "$norm"},
                 {"id": "smooth", "builtin": "gaussian", "config": {"sigma": 1.2}, "data": "$load"},
                 {"id": "wide", "builtin": "normalize", "config": {"low": 5, "high": 95, "clip": "no"}, "data": "$smooth"},
                 {"id": "save-wide", "builtin": "write-tiff", "config": {"path": "{item}_wide.tif"}, "data": "$wide"},
                 {"id": "rescale", "builtin": "convert-dtype", "config": {"dtype": "uint8", "rescale": "yes"}, "data": "$smooth"},
                 {"id": "save-rescale", "builtin": "write-zarr", "config": {"path": "{item}_rescale.ome.zarr"}, "data": "$rescale"},
                 {"id": "stats", "builtin": "stats", "data": "$smooth"}]}
        """

    @Test("crop, threshold otsu/mean, normalize, rescale and stats stream: the outputs equal the in-memory run's bit for bit")
    func statisticsPasses() throws {
        let folder = try TemporaryDirectory("streaming-run")
        let made = try CommandRunner.python(Self.makeInputs, [folder.path])
        try #require(made.status == 0, "\(made.standardError)")
        try Self.statisticsWorkflow.write(to: folder.appending("w.json"), atomically: true, encoding: .utf8)
        let whole = try CommandRunner.imjoyRun(["run", "w.json", "--out", "whole", "--no-cache"], in: folder.url)
        #expect(whole.status == 0, "\(whole.standardError)")
        // 4K: every input and result here (the crop: 11 × 14 × 23 uint16) is larger, so each op runs lazily or fails.
        let streamed = try CommandRunner.imjoyRun(
            ["run", "w.json", "--out", "streamed", "--no-cache", "--memory-limit", "4K"], in: folder.url)
        #expect(streamed.status == 0, "\(streamed.standardError)")
        let check = try CommandRunner.python(
            """
            import numpy as np, tifffile, zarr, sys, os
            os.chdir(sys.argv[1])
            for name in ['crop', 'otsu', 'mean', 'norm', 'rescale']:
                a = zarr.open_group(f'whole/a_{name}.ome.zarr', mode='r')['0'][()]
                b = zarr.open_group(f'streamed/a_{name}.ome.zarr', mode='r')['0'][()]
                assert a.dtype == b.dtype and a.shape == b.shape, (name, a.dtype, b.dtype, a.shape, b.shape)
                assert np.array_equal(a.view(np.uint8), b.view(np.uint8)), name
            a = tifffile.imread('whole/a_wide.tif'); b = tifffile.imread('streamed/a_wide.tif')
            assert a.dtype == np.float32 and np.array_equal(a.view(np.uint32), b.view(np.uint32)), 'wide'
            x = np.load('a.npy')
            assert np.array_equal(zarr.open_group('streamed/a_crop.ome.zarr', mode='r')['0'][()], x[1:12, ::-3, 5::2])
            otsu = zarr.open_group('streamed/a_otsu.ome.zarr', mode='r')['0'][()]
            assert 0 < (otsu == 255).sum() < otsu.size, 'otsu splits the image'
            norm = zarr.open_group('streamed/a_norm.ome.zarr', mode='r')['0'][()]
            lo, hi = np.percentile(x, [1, 99.8])
            assert np.allclose(norm, np.clip((x - lo) / (hi - lo), 0, 1), atol=1e-6), 'normalize matches numpy'
            rescaled = zarr.open_group('streamed/a_rescale.ome.zarr', mode='r')['0'][()]
            assert rescaled.dtype == np.uint8 and rescaled.min() == 0 and rescaled.max() == 255, 'rescale spans uint8'
            assert open('whole/a/stats.json').read() == open('streamed/a/stats.json').read(), 'stats'
            import json
            stats = json.load(open('streamed/a/stats.json'))
            assert stats['shape'] == [13, 40, 50] and stats['dtype'] == 'float32' and stats['min'] < stats['mean'] < stats['max'] and stats['std'] > 0, stats
            """, [folder.path])
        #expect(check.status == 0, "\(check.standardError)")
    }

    @Test("an op that needs the whole array fails naming the op, the item and the size")
    func wholeArrayOpFails() throws {
        let folder = try TemporaryDirectory("streaming-run")
        let made = try CommandRunner.python(Self.makeInputs, [folder.path])
        try #require(made.status == 0, "\(made.standardError)")
        let workflow = """
            {"name": "whole", "version": "1.0", "inputs": {"images": {"glob": "a.zarr"}},
             "ops": [{"id": "load", "builtin": "read-zarr", "data": "$inputs.images"},
                     {"id": "cut", "builtin": "crop", "config": {"region": "1:"}},
                     {"id": "smooth", "builtin": "gaussian", "config": {"sigma": 1, "mode": "wrap"}}]}
            """
        try workflow.write(to: folder.appending("w.json"), atomically: true, encoding: .utf8)
        let result = try CommandRunner.imjoyRun(["run", "w.json", "--out", "out", "--no-cache", "--memory-limit", "8K"], in: folder.url)
        #expect(result.status != 0)
        let text = result.standardOutput + result.standardError
        #expect(
            text.contains(
                "gaussian: item a: the array [12, 40, 50] uint16 needs 48000 bytes, more than the memory limit of 8192 bytes (--memory-limit); mode wrap"
            ),
            "\(text)")
    }

    @Test("a plugin op gets a result that fits (a projection) and a clear error for a larger-than-memory array")
    func pluginOps() throws {
        let folder = try TemporaryDirectory("streaming-run")
        let made = try CommandRunner.python(Self.makeInputs, [folder.path])
        try #require(made.status == 0, "\(made.standardError)")
        let echo = Fixtures.url("plugins/python/Echo.imjoy.html").path
        func run(_ pluginData: String, out: String) throws -> CommandResult {
            let workflow = """
                {"name": "plugin", "version": "1.0", "plugins": {"echo": "\(echo)"}, "inputs": {"images": {"glob": "a.zarr"}},
                 "ops": [{"id": "load", "builtin": "read-zarr", "data": "$inputs.images"},
                         {"id": "zmax", "builtin": "max-projection", "config": {"axis": 0}},
                         {"id": "pass", "plugin": "echo", "op": "Pass", "data": "\(pluginData)"}]}
                """
            try workflow.write(to: folder.appending("w.json"), atomically: true, encoding: .utf8)
            return try CommandRunner.imjoyRun(
                ["run", "w.json", "--out", out, "--no-cache", "--memory-limit", "8K", "--format", "zarr"], in: folder.url)
        }
        let whole = try run("$load", out: "whole")
        #expect(whole.status != 0)
        let text = whole.standardOutput + whole.standardError
        #expect(
            text.contains("pass: item a: the array [13, 40, 50] uint16 needs 52000 bytes, more than the memory limit of 8192 bytes"),
            "\(text)")
        #expect(text.contains("plugin ops receive whole arrays"), "\(text)")
        let fits = try run("$zmax", out: "out")
        #expect(fits.status == 0, "\(fits.standardError)")
        let check = try CommandRunner.python(
            """
            import numpy as np, zarr, sys
            a = np.load(sys.argv[1] + '/a.npy')
            b = zarr.open_group(sys.argv[1] + '/out/a/pass.zarr', mode='r')['0'][()]
            assert np.array_equal(a.max(axis=0), b), 'the plugin got the projection whole'
            """, [folder.path])
        #expect(check.status == 0, "\(check.standardError)")
    }
}
