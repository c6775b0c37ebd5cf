import Foundation
import TestSupport
import Testing

/// `convert` of Zarr stores in encodings imjoy-run reads but does not write: a sharded OME-Zarr 0.5
/// image written by ome-zarr-py, and gzip chunks (written with convert's own compression, never gzip).
@Suite(
    "convert sharded and gzip Zarr stores",
    .enabled(if: TestConditions.pythonWithNumpy && TestConditions.zarrPython, "needs python3 with numpy, tifffile, zarr and ome_zarr"))
struct ShardedZarrConvertTests {
    /// `img.ome.zarr` (ome-zarr-py, NGFF 0.5, levels sharded (1, 32, 32) of (1, 16, 16) chunks)
    /// and `gzip.zarr` (zarr-python, v3 gzip chunks), beside `a.npy`, the stack both hold.
    static let makeInputs = """
        import sys, os, warnings, numpy as np, zarr
        warnings.simplefilter("ignore")
        from ome_zarr.writer import write_image
        from ome_zarr.format import FormatV05
        from zarr.codecs import GzipCodec
        os.chdir(sys.argv[1])
        a = (np.random.default_rng(4).random((3, 70, 90)) * 60000).astype(np.uint16)
        np.save("a.npy", a)
        group = zarr.open_group("img.ome.zarr", mode="w", zarr_format=3)
        write_image(a, group, axes="zyx", fmt=FormatV05(), storage_options={"chunks": (1, 16, 16), "shards": (1, 32, 32)})
        assert zarr.open_array("img.ome.zarr/s0").metadata.codecs[0].to_dict()["name"] == "sharding_indexed"
        z = zarr.create_array("gzip.zarr", shape=a.shape, chunks=(1, 32, 32), dtype="uint16", compressors=GzipCodec(level=5))
        z[...] = a
        """

    @Test("a sharded OME-Zarr 0.5 image converts to TIFF with its pixels, in memory and streamed", arguments: ["", "16K"])
    func shardedToTIFF(memoryLimit: String) throws {
        let folder = try TemporaryDirectory("sharded-convert")
        let made = try CommandRunner.python(Self.makeInputs, [folder.path])
        try #require(made.status == 0, "\(made.standardError)")
        let output = folder.appending("out.tif").path
        let limit = memoryLimit.isEmpty ? [] : ["--memory-limit", memoryLimit]
        let result = try CommandRunner.imjoyRun(["convert", folder.appending("img.ome.zarr").path, output] + limit)
        #expect(result.status == 0, "\(result.standardError)")
        let check = try CommandRunner.python(
            "import numpy as np, tifffile, sys\na = np.load(sys.argv[1]); b = tifffile.imread(sys.argv[2])\n"
                + "assert b.dtype == a.dtype and b.shape == a.shape, (b.dtype, b.shape)\nassert np.array_equal(a, b)",
            [folder.appending("a.npy").path, output])
        #expect(check.status == 0, "\(check.standardError)")
    }

    @Test(
        "a gzip store converts to Zarr with convert's compression (default none, or blosc), never gzip; deflate is refused clearly",
        arguments: [nil, "blosc"])
    func gzipToZarr(compression: String?) throws {
        let folder = try TemporaryDirectory("sharded-convert")
        let made = try CommandRunner.python(Self.makeInputs, [folder.path])
        try #require(made.status == 0, "\(made.standardError)")
        let output = folder.appending("out.zarr").path
        let option = compression.map { ["--compression", $0] } ?? []
        let result = try CommandRunner.imjoyRun(["convert", folder.appending("gzip.zarr").path, output] + option)
        #expect(result.status == 0, "\(result.standardError)")
        let check = try CommandRunner.python(
            """
            import numpy as np, zarr, sys
            a = np.load(sys.argv[1]); z = zarr.open_group(sys.argv[2], mode="r")["0"]
            assert np.array_equal(a, z[...])
            print((z.metadata.to_dict()["compressor"] or {"id": "none"})["id"])
            """, [folder.appending("a.npy").path, output])
        #expect(check.status == 0, "\(check.standardError)")
        #expect(check.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == (compression ?? "none"))
        let refused = try CommandRunner.imjoyRun(
            ["convert", folder.appending("gzip.zarr").path, folder.appending("deflate.zarr").path, "--compression", "deflate"])
        #expect(refused.status == 2, "\(refused.standardError)")
        #expect(refused.standardError.contains("zarr has no compression 'deflate'"), "\(refused.standardError)")
        #expect(!FileManager.default.fileExists(atPath: folder.appending("deflate.zarr").path))
    }
}
