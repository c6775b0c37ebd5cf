import Foundation
import TestSupport
import Testing

/// Remote inputs at the command line: `validate` and `run --dry-run` fetch nothing; `convert`
/// reads an http URL (file and OME-Zarr store) and exits 2 on a 404.
@Suite("imjoy-run remote inputs")
struct RemoteInputCommandTests {
    @Test("validate and run --dry-run never fetch")
    func validateAndDryRunFetchNothing() throws {
        let folder = try TemporaryDirectory("remote-cli")
        try FileManager.default.createDirectory(at: folder.appending("www"), withIntermediateDirectories: true)
        let log = folder.appending("requests.log")
        let server = try TestServer(script: "range_server.py", [folder.appending("www").path, "--log", log.path])
        let workflow = """
            {"name": "r", "inputs": {"images": {"files": ["\(server.baseURL)/a.tif", "s3://some-bucket/b.tif"]}},
             "ops": [{"id": "load", "builtin": "read-tiff"}, {"id": "smooth", "builtin": "gaussian"}]}
            """
        try workflow.write(to: folder.appending("w.json"), atomically: true, encoding: .utf8)
        let validate = try CommandRunner.imjoyRun(["validate", folder.appending("w.json").path])
        #expect(validate.status == 0, "\(validate.standardError)")
        let dryRun = try CommandRunner.imjoyRun([
            "run", folder.appending("w.json").path, "--dry-run", "--out", folder.appending("out").path,
        ])
        #expect(dryRun.status == 0 && dryRun.standardOutput.contains("r-a  images=\(server.baseURL)/a.tif"), "\(dryRun.standardOutput)")
        Thread.sleep(forTimeInterval: 0.2)
        #expect(!FileManager.default.fileExists(atPath: log.path), "a request was made")

        try workflow.replacingOccurrences(of: "s3://some-bucket/", with: "s3://Bad_Bucket/").write(
            to: folder.appending("w.json"), atomically: true, encoding: .utf8)
        let bad = try CommandRunner.imjoyRun(["validate", folder.appending("w.json").path])
        #expect(bad.status == 2 && bad.standardError.contains("s3://Bad_Bucket/b.tif"), "\(bad.standardError)")
    }

    @Test(
        "convert reads http URLs (files and OME-Zarr stores) bit-exact",
        .enabled(if: TestConditions.pythonWithNumpy, "needs python3 with numpy, tifffile and h5py"))
    func convertFromHTTP() throws {
        let folder = try TemporaryDirectory("remote-cli-convert")
        let www = folder.appending("www")
        try FileManager.default.createDirectory(at: www, withIntermediateDirectories: true)
        let make = """
            import sys, numpy as np, tifffile
            data = (np.arange(3 * 70 * 50, dtype=np.uint32) * 2654435761 % 65521).astype(np.uint16).reshape(3, 70, 50)
            np.save(sys.argv[1] + '/expected.npy', data)
            tifffile.imwrite(sys.argv[1] + '/www/stack.tif', data)
            """
        #expect(try CommandRunner.python(make, [folder.path]).status == 0)
        let server = try TestServer(script: "range_server.py", [www.path])
        let toZarr = try CommandRunner.imjoyRun([
            "convert", "\(server.baseURL)/stack.tif", www.appendingPathComponent("stack.ome.zarr").path,
        ])
        #expect(toZarr.status == 0, "\(toZarr.standardError)")
        let toH5 = try CommandRunner.imjoyRun(["convert", "\(server.baseURL)/stack.ome.zarr", folder.appending("out.h5").path])
        #expect(toH5.status == 0, "\(toH5.standardError)")
        let check = """
            import sys, numpy as np, h5py
            expected = np.load(sys.argv[1] + '/expected.npy')
            with h5py.File(sys.argv[1] + '/out.h5') as f:
                assert np.array_equal(f['data'][...], expected)
            """
        let checked = try CommandRunner.python(check, [folder.path])
        #expect(checked.status == 0, "\(checked.standardError)")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: www.path).filter { $0.hasPrefix(".imjoy-run-fetch") }
        #expect(leftovers.isEmpty)

        let missing = try CommandRunner.imjoyRun(["convert", "\(server.baseURL)/gone.tif", folder.appending("x.h5").path])
        #expect(missing.status == 2 && missing.standardError.contains("\(server.baseURL)/gone.tif: HTTP 404"), "\(missing.standardError)")
    }
}
