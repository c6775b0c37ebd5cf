import Foundation
import ImJoySchema
import TestSupport
import Testing

@testable import ImageIO

/// OME-Zarr stores read through the store seam from a local HTTP server and moto's S3 server:
/// values bit-exact against the local read, and only the chunks a region touches fetched.
@Suite struct RemoteZarrStoreTests {
    static let quick = RetryPolicy(attempts: 4, baseDelay: 0.01, maximumDelay: 0.05, requestTimeout: 10, resourceTimeout: 30)

    /// A 3 × 100 × 90 uint16 stack written as `www/img.ome.zarr` (chunks 1 × 32 × 32, 2 levels).
    static func writeStore(in folder: TemporaryDirectory, format: ZarrArrayMetadata.Format) throws -> (URL, NDArray) {
        let pixels = (0..<(3 * 100 * 90)).map { UInt16(truncatingIfNeeded: $0 &* 2654435761 >> 7) }
        let array = try NDArray(shape: [3, 100, 90], elements: pixels)
        let store = folder.appending("www/img.ome.zarr")
        try FileManager.default.createDirectory(at: folder.appending("www"), withIntermediateDirectories: true)
        let options = OMEZarrWriteOptions(format: format, chunkShape: [1, 32, 32], compressor: .bloscDefault, pyramidLevels: 1)
        try OMEZarr.write(array, axes: OMEAxis.defaults(rank: 3), scale: [2, 0.5, 0.5], to: store, options: options)
        return (store, array)
    }

    @Test(arguments: [ZarrArrayMetadata.Format.v2, .v3])
    func readsOverHTTPBitExact(format: ZarrArrayMetadata.Format) throws {
        let folder = try TemporaryDirectory("remote-zarr")
        let (local, array) = try Self.writeStore(in: folder, format: format)
        let log = folder.appending("requests.log")
        let server = try TestServer(script: "range_server.py", [folder.appending("www").path, "--log", log.path])
        let store = try ZarrStoreRegistry(kinds: [LocalZarrStoreKind(), RemoteZarrStoreKind(client: RemoteClient(policy: Self.quick))])
            .open(server.baseURL + "/img.ome.zarr")
        let image = try OMEZarrImage(storage: store)
        #expect(try image.read() == array)
        #expect(image.metadata.scale == (try OMEZarrImage(store: local)).metadata.scale)
        #expect(try image.read(level: 1) == (try OMEZarrImage(store: local)).read(level: 1))

        try Data().write(to: log)
        let tile = try image.read(origin: [1, 20, 20], shape: [1, 30, 30])
        #expect(tile == (try OMEZarrImage(store: local).read(origin: [1, 20, 20], shape: [1, 30, 30])))
        Thread.sleep(forTimeInterval: 0.2)  // the server logs after answering
        let fetched = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        #expect(fetched.count == 4, "one chunk per 32 × 32 tile the region touches: \(fetched)")
    }

    @Test func missingChunksReadAsFillAndServerErrorsNameTheKey() throws {
        let folder = try TemporaryDirectory("remote-zarr")
        let (local, _) = try Self.writeStore(in: folder, format: .v2)
        // The first chunk file of level 0 (`0.0.0` or `0/0/0`, by the dimension separator).
        let level = local.appendingPathComponent("0").path
        let chunks = FileManager.default.enumerator(atPath: level)!.compactMap { $0 as? String }.sorted().filter { name in
            var isDirectory: ObjCBool = false
            return !(name as NSString).lastPathComponent.hasPrefix(".")
                && FileManager.default.fileExists(atPath: level + "/" + name, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
        try FileManager.default.removeItem(atPath: level + "/" + (try #require(chunks.first)))
        let server = try TestServer(script: "range_server.py", [folder.appending("www").path])
        let client = RemoteClient(policy: Self.quick)
        let image = try OMEZarrImage(
            storage: RemoteZarrStore(root: try RemoteLocation(parsing: server.baseURL + "/img.ome.zarr"), client: client))
        #expect(try image.read() == (try OMEZarrImage(store: local)).read())
        let missing = RemoteZarrStore(root: try RemoteLocation(parsing: server.baseURL + "/none.zarr"), client: client)
        let error = try #require(throws: ZarrError.self) { try OMEZarrImage(storage: missing) }
        #expect(error.description.contains(server.baseURL + "/none.zarr"), "\(error)")
    }

    @Test(.enabled(if: RemoteTestConditions.hasMoto, "needs moto[server] and boto3 (pip install 'moto[server]' boto3)"))
    func readsFromS3BitExact() throws {
        let folder = try TemporaryDirectory("remote-zarr-s3")
        let (_, array) = try Self.writeStore(in: folder, format: .v3)
        let server = try TestServer(script: "s3_server.py", ["imjoy-test", folder.appending("www").path])
        let keys = try #require(server.details.count == 2 ? server.details : nil, "s3_server.py prints the reader's key")
        let s3 = S3Configuration(
            credentials: .init(accessKey: keys[0], secretKey: keys[1]), region: "us-east-1", endpoint: URL(string: server.baseURL))
        let client = RemoteClient(policy: Self.quick, s3: s3)
        let store = RemoteZarrStore(root: try RemoteLocation(parsing: "s3://imjoy-test/img.ome.zarr"), client: client)
        #expect(try ZarrFormat.readImage(store, level: 0) == array)
        let notThere = try #require(throws: RemoteError.self) {
            try client.get(try RemoteLocation(parsing: "s3://imjoy-test/none.tif"))
        }
        #expect(notThere.status == 404 && notThere.description.contains("NoSuchKey"), "\(notThere)")
        // moto checks every signature: a wrong secret and an anonymous request are refused, once.
        var wrong = s3
        wrong.credentials?.secretKey = "not-the-secret"
        let object = try RemoteLocation(parsing: "s3://imjoy-test/img.ome.zarr/.zattrs")
        let refused = try #require(throws: RemoteError.self) { try RemoteClient(policy: Self.quick, s3: wrong).get(object) }
        #expect(refused.status == 403 && refused.attempts == 1 && refused.description.contains("SignatureDoesNotMatch"), "\(refused)")
        wrong.credentials = nil
        #expect(throws: RemoteError.self) { try RemoteClient(policy: Self.quick, s3: wrong).get(object) }
    }
}
