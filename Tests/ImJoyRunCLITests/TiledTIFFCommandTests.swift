import Foundation
import TestSupport
import Testing

/// `convert --tile N --levels L` and `write-tiff`'s `tile` and `levels`: tiled TIFF and OME-TIFF
/// pyramids (SubIFDs), in memory and streamed, checked with tifffile.
@Suite(
    "tiled TIFF and SubIFD levels from convert and write-tiff",
    .enabled(if: TestConditions.pythonWithNumpy, "needs python3 with numpy and tifffile"))
struct TiledTIFFCommandTests {
    static let makeInput = """
        import sys, numpy as np, tifffile
        rng = np.random.default_rng(9)
        a = rng.integers(0, 60000, tuple(int(n) for n in sys.argv[2].split(",")), dtype=np.uint16)
        np.save(sys.argv[1] + ".npy", a)
        tifffile.imwrite(sys.argv[1], a)
        """

    static let check = """
        import sys, json, numpy as np, tifffile
        a = np.load(sys.argv[1])
        with tifffile.TiffFile(sys.argv[2]) as t:
            s = t.series[0]
            shape = lambda dims: "x".join(str(n) for n in dims)
            print(json.dumps({"equal": str(bool((s.levels[0].asarray() == a).all())),
                              "tiled": str(all(p.aspage().is_tiled for p in t.pages)), "is_ome": str(t.is_ome),
                              "tile": shape(t.pages[0].tile or ()), "levels": ",".join(shape(l.shape) for l in s.levels)}))
        """

    /// Writes a random uint16 array of `shape` to `in.tif` (and `in.tif.npy`) in `folder`.
    private func makeInput(in folder: TemporaryDirectory, shape: [Int]) throws -> URL {
        let url = folder.appending("in.tif")
        let made = try CommandRunner.python(Self.makeInput, [url.path, shape.map(String.init).joined(separator: ",")])
        try #require(made.status == 0, "\(made.standardError)")
        return url
    }

    private func facts(input: URL, output: URL) throws -> [String: String] {
        let checked = try CommandRunner.python(Self.check, [input.path + ".npy", output.path])
        try #require(checked.status == 0, "\(checked.standardError)")
        return try JSONDecoder().decode([String: String].self, from: Data(checked.standardOutput.utf8))
    }

    @Test("an OME-TIFF pyramid of tiled pages, in memory and streamed", arguments: [nil, "64K"])
    func pyramid(memoryLimit: String?) throws {
        let folder = try TemporaryDirectory("tiled-convert")
        let input = try makeInput(in: folder, shape: [3, 300, 200])
        let output = folder.appending("out.ome.tif")
        let limit = memoryLimit.map { ["--memory-limit", $0] } ?? []
        let result = try CommandRunner.imjoyRun(
            ["convert", input.path, output.path, "--tile", "64", "--levels", "2", "--compression", "zstd"] + limit)
        try #require(result.status == 0, "\(result.standardError)")
        let facts = try facts(input: input, output: output)
        #expect(facts["equal"] == "True" && facts["tiled"] == "True" && facts["is_ome"] == "True", "\(facts)")
        #expect(facts["tile"] == "64x64", "\(facts)")
        #expect(facts["levels"] == "3x300x200,3x150x100,3x75x50", "\(facts)")
    }

    @Test("a page larger than the memory limit is written in bands of tiles, its SubIFD levels too")
    func bandsOfOnePage() throws {
        let folder = try TemporaryDirectory("tiled-convert")
        let input = try makeInput(in: folder, shape: [1000, 600])
        let output = folder.appending("out.tif")
        let result = try CommandRunner.imjoyRun(
            ["convert", input.path, output.path, "--tile", "128", "--levels", "2", "--compression", "deflate", "--memory-limit", "256K"])
        try #require(result.status == 0, "\(result.standardError)")
        let facts = try facts(input: input, output: output)
        #expect(facts["equal"] == "True" && facts["tiled"] == "True" && facts["tile"] == "128x128", "\(facts)")
        #expect(facts["levels"] == "1000x600,500x300,250x150", "\(facts)")
    }

    @Test(
        "tiles and levels a format cannot store are usage errors",
        arguments: [
            (["--tile", "20"], "out.tif", "multiple of 16"), (["--levels", "1"], "out.h5", "--levels"),
            (["--tile", "64"], "out.zarr", "--tile"), (["--levels", "40"], "out.tif", "--levels"),
        ])
    func refusals(flags: [String], output: String, message: String) throws {
        let folder = try TemporaryDirectory("tiled-convert")
        let input = try makeInput(in: folder, shape: [32, 32])
        let result = try CommandRunner.imjoyRun(["convert", input.path, folder.appending(output).path] + flags)
        #expect(result.status == 2, "\(result.standardError)")
        #expect(result.standardError.contains(message), "\(result.standardError)")
        #expect(!FileManager.default.fileExists(atPath: folder.appending(output).path))
    }

    @Test("write-tiff tile and levels in a run, in memory and streamed", arguments: [nil, "64K"])
    func writeTIFFInARun(memoryLimit: String?) throws {
        let folder = try TemporaryDirectory("tiled-run")
        let input = try makeInput(in: folder, shape: [3, 300, 200])
        let workflow = """
            {"name": "tiles", "version": "1.0", "inputs": {"images": {"glob": "in.tif"}},
             "ops": [{"id": "load", "builtin": "read-tiff"},
                     {"id": "save", "builtin": "write-tiff", "config": {"path": "{item}.ome.tif", "tile": 32, "levels": 1}}]}
            """
        try workflow.write(to: folder.appending("w.json"), atomically: true, encoding: .utf8)
        let limit = memoryLimit.map { ["--memory-limit", $0] } ?? []
        let result = try CommandRunner.imjoyRun(["run", "w.json", "--out", "out", "--no-cache"] + limit, in: folder.url)
        try #require(result.status == 0, "\(result.standardError)")
        let facts = try facts(input: input, output: folder.appending("out/in.ome.tif"))
        #expect(facts["equal"] == "True" && facts["tiled"] == "True" && facts["tile"] == "32x32", "\(facts)")
        #expect(facts["levels"] == "3x300x200,3x150x100", "\(facts)")

        let bad = workflow.replacingOccurrences(of: #""tile": 32"#, with: #""tile": 40"#)
        try bad.write(to: folder.appending("bad.json"), atomically: true, encoding: .utf8)
        let refused = try CommandRunner.imjoyRun(["run", "bad.json", "--out", "bad", "--no-cache"] + limit, in: folder.url)
        #expect(refused.status == 1, "\(refused.standardError)")
        #expect(refused.standardError.contains("tile") && refused.standardError.contains("multiple of 16"), "\(refused.standardError)")
    }

    @Test(
        "convert --levels writes OME-Zarr multiscales, in memory and streamed",
        .enabled(if: TestConditions.zarrPython, "needs zarr-python"), arguments: [nil, "64K"])
    func zarrLevels(memoryLimit: String?) throws {
        let folder = try TemporaryDirectory("tiled-convert")
        let input = try makeInput(in: folder, shape: [3, 300, 200])
        let output = folder.appending("out.ome.zarr")
        let limit = memoryLimit.map { ["--memory-limit", $0] } ?? []
        let result = try CommandRunner.imjoyRun(["convert", input.path, output.path, "--levels", "2", "--compression", "blosc"] + limit)
        try #require(result.status == 0, "\(result.standardError)")
        let check = try CommandRunner.python(
            """
            import sys, numpy as np, zarr
            g = zarr.open_group(sys.argv[2], mode='r')
            a = np.load(sys.argv[1])
            paths = [d['path'] for d in g.attrs['multiscales'][0]['datasets']]
            shapes = [g[p].shape for p in paths]
            assert shapes == [(3, 300, 200), (3, 150, 100), (3, 75, 50)], shapes
            assert (g[paths[0]][:] == a).all()
            print('ok')
            """, [input.path + ".npy", output.path])
        #expect(check.status == 0 && check.standardOutput.contains("ok"), "\(check.standardError)")
    }
}
