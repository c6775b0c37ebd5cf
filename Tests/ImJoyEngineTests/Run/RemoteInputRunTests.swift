import Foundation
import ImJoyPlugin
import ImJoySchema
import ImJoyWorkflow
import ImageIO
import TestSupport
import Testing

@testable import ImJoyEngine

/// Remote inputs end to end through ``WorkflowRun``: a TIFF, an HDF5 file and an OME-Zarr store
/// served over http (a local server with Range) and s3 (moto), read bit-exact; retries; a 404
/// failing its item only; nothing fetched while planning.
@Suite(.serialized) struct RemoteInputRunTests {
    static let quick = RetryPolicy(attempts: 4, baseDelay: 0.01, maximumDelay: 0.05, requestTimeout: 10, resourceTimeout: 30)

    /// `www/` with `cells.tif`, `cells.h5` (`/data`) and `cells.ome.zarr`, each holding ``array``.
    struct Served {
        let folder: TemporaryDirectory
        let array: NDArray

        init() throws {
            folder = try TemporaryDirectory("remote-run")
            let www = folder.appending("www")
            try FileManager.default.createDirectory(at: www, withIntermediateDirectories: true)
            let pixels = (0..<(5 * 40 * 30)).map { UInt16(truncatingIfNeeded: $0 &* 40503 >> 3) }
            array = try NDArray(shape: [5, 40, 30], elements: pixels)
            try TIFFFormat().write(array, to: www.appendingPathComponent("cells.tif"), options: ArrayWriteOptions())
            try HDF5Format().write(array, to: www.appendingPathComponent("cells.h5"), options: ArrayWriteOptions(name: "/data"))
            try OMEZarr.write(
                array, to: www.appendingPathComponent("cells.ome.zarr"),
                options: OMEZarrWriteOptions(chunkShape: [1, 16, 16], compressor: .bloscDefault))
        }

        /// Plans `workflow` (JSON text) written into the folder.
        func plan(_ workflow: String) throws -> WorkflowPlan {
            let file = folder.appending("w.json").path
            try workflow.write(toFile: file, atomically: true, encoding: .utf8)
            let loaded = try WorkflowLoader.load(contentsOf: file)
            return try WorkflowPlan(WorkflowValidator(resolver: PluginResolver(environment: [:])).validate(loaded))
        }

        func run(_ workflow: String, client: RemoteClient, out: String = "out") throws -> WorkflowRunSummary {
            var options = WorkflowRunOptions(outputDirectory: folder.appending(out).path)
            options.jobs = 2
            options.remoteClient = client
            return try WorkflowRun(plan: try plan(workflow), options: options).run()
        }

        /// The array the run wrote for `item`'s op `op` (TIFF).
        func output(_ item: String, _ op: String, out: String = "out") throws -> NDArray {
            try TIFFFormat().read(folder.appending("\(out)/\(item)/\(op).tif"), name: nil)
        }
    }

    /// One read op per format over `urls` (tif, h5, zarr in that order), zipped by index.
    static func workflow(tif: String, h5: String, zarr: String) -> String {
        """
        {"name": "remote", "inputs": {"tif": {"files": ["\(tif)"]}, "h5": {"files": ["\(h5)"]}, "zarr": {"files": ["\(zarr)"]}},
         "ops": [{"id": "t", "builtin": "read-tiff", "data": "$inputs.tif"},
                 {"id": "h", "builtin": "read-hdf5", "data": "$inputs.h5", "config": {"dataset": "/data"}},
                 {"id": "z", "builtin": "read-zarr", "data": "$inputs.zarr"}]}
        """
    }

    func checkOutputs(_ summary: WorkflowRunSummary, _ served: Served) throws {
        #expect(summary.status == .succeeded && summary.exitCode == 0, "\(summary.text)")
        for op in ["t", "h", "z"] { #expect(try served.output("cells", op) == served.array, "op \(op)") }
        let manifest = try RunManifest.read(try #require(summary.manifest))
        #expect(manifest["remote_inputs"]?.arrayValue?.count == 3, "\(manifest["remote_inputs"] ?? .null)")
        let scratch = served.folder.appending("out/.imjoy-run/remote").path
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: scratch)) ?? []).isEmpty, "fetched files are removed")
    }

    @Test func readsTIFFHDF5AndZarrOverHTTPBitExact() throws {
        let served = try Served()
        // Every object's (and byte range's) first request is answered 503: all are retried.
        let server = try TestServer(script: "range_server.py", [served.folder.appending("www").path, "--fail-first", "1"])
        let base = server.baseURL
        let summary = try served.run(
            Self.workflow(tif: base + "/cells.tif?v=1", h5: base + "/cells.h5", zarr: base + "/cells.ome.zarr/"),
            client: RemoteClient(policy: Self.quick))
        try checkOutputs(summary, served)
    }

    @Test(.enabled(if: RemoteTestConditions.hasMoto, "needs moto[server] and boto3 (pip install 'moto[server]' boto3)"))
    func readsTIFFHDF5AndZarrOverS3BitExact() throws {
        let served = try Served()
        let server = try TestServer(script: "s3_server.py", ["imjoy-bucket", served.folder.appending("www").path])
        let keys = try #require(server.details.count == 2 ? server.details : nil, "s3_server.py prints the reader's key")
        let s3 = S3Configuration(credentials: .init(accessKey: keys[0], secretKey: keys[1]), endpoint: URL(string: server.baseURL))
        let summary = try served.run(
            Self.workflow(tif: "s3://imjoy-bucket/cells.tif", h5: "s3://imjoy-bucket/cells.h5", zarr: "s3://imjoy-bucket/cells.ome.zarr"),
            client: RemoteClient(policy: Self.quick, s3: s3))
        try checkOutputs(summary, served)
    }

    @Test func aMissingURLFailsItsItemOnly() throws {
        let served = try Served()
        let server = try TestServer(script: "range_server.py", [served.folder.appending("www").path])
        let workflow = """
            {"name": "remote", "inputs": {"images": {"files": ["\(server.baseURL)/cells.tif", "\(server.baseURL)/gone.tif"]}},
             "ops": [{"id": "load", "builtin": "read-tiff"}]}
            """
        let summary = try served.run(workflow, client: RemoteClient(policy: Self.quick))
        #expect(summary.exitCode == 1 && summary.succeededItems == 1 && summary.failedItems == 1, "\(summary.text)")
        #expect(summary.text.contains("item gone") && summary.text.contains("\(server.baseURL)/gone.tif: HTTP 404"), "\(summary.text)")
        #expect(try served.output("cells", "load") == served.array)
    }

    /// A remote read is never answered from the cache; the ops after it are keyed by the array
    /// it returned: unchanged bytes hit, a replaced object reruns them.
    @Test func opsAfterARemoteReadAreCachedByContent() throws {
        let served = try Served()
        let server = try TestServer(script: "range_server.py", [served.folder.appending("www").path])
        let workflow = """
            {"name": "remote", "inputs": {"images": {"files": ["\(server.baseURL)/cells.tif"]}},
             "ops": [{"id": "load", "builtin": "read-tiff"}, {"id": "smooth", "builtin": "gaussian", "config": {"sigma": 1}}]}
            """
        let client = RemoteClient(policy: Self.quick)
        let cold = try served.run(workflow, client: client)
        let first = try served.output("cells", "smooth")
        let warm = try served.run(workflow, client: client)
        #expect(cold.cache?.hits == 0 && warm.cache?.hits == 1, "\(warm.text)")
        let changed = try NDArray(shape: [5, 40, 30], elements: [UInt16](repeating: 7, count: 6000))
        try TIFFFormat().write(changed, to: served.folder.appending("www/cells.tif"), options: ArrayWriteOptions())
        let after = try served.run(workflow, client: client)
        #expect(after.cache?.hits == 0, "\(after.text)")
        #expect(try served.output("cells", "smooth") != first)
    }

    @Test func planningAndDryRunFetchNothing() throws {
        let served = try Served()
        let log = served.folder.appending("requests.log")
        let server = try TestServer(script: "range_server.py", [served.folder.appending("www").path, "--log", log.path])
        let plan = try served.plan(
            Self.workflow(tif: server.baseURL + "/cells.tif", h5: "s3://no-such-bucket/x/cells.h5", zarr: "https://192.0.2.1/a.zarr"))
        #expect(plan.items.map(\.key) == ["cells"])
        #expect(plan.dryRunText().contains(server.baseURL + "/cells.tif"))
        Thread.sleep(forTimeInterval: 0.2)
        #expect(!FileManager.default.fileExists(atPath: log.path), "planning made a request")
        #expect(throws: WorkflowError.self) {
            try served.plan(
                #"{"name": "r", "inputs": {"i": {"files": ["https://user:pw@host/a.tif"]}}, "ops": [{"id": "l", "builtin": "read-tiff"}]}"#)
        }
        #expect(throws: WorkflowError.self) {
            try served.plan(
                #"{"name": "r", "inputs": {"i": {"glob": "https://host/*.tif"}}, "ops": [{"id": "l", "builtin": "read-tiff"}]}"#)
        }
    }
}
