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

        Thread.sleep(forTimeInterval: 0.2)  // the last lines of the reads above, logged after answering
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

    /// zarr-python's sharded array (shards (2, 32, 32) of (1, 16, 16) inner chunks, index at the end
    /// with its CRC32C, one shard object missing) as `www/s.zarr`, and its local read.
    static func writeShardedStore(in folder: TemporaryDirectory) throws -> (URL, NDArray) {
        try FileManager.default.createDirectory(at: folder.appending("www"), withIntermediateDirectories: true)
        let store = folder.appending("www/s.zarr")
        let made = try CommandRunner.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["python3", Fixtures.url("python/zarr_codecs.py").path, "shard-end-crc-blosc-u16", store.path, folder.appending("raw").path],
            in: folder.url)
        try #require(made.status == 0, "\(made.standardError)")
        return (store, try ZarrArray(store: store).read())
    }

    @Test(
        "a sharded array over HTTP: a small region GETs the shard's index and one inner chunk by range, never a whole shard",
        .enabled(if: ZarrTestSupport.hasZarrPython, "needs python3 with zarr>=3 (scripts/setup)"))
    func shardedRegionFetchesRangesOnly() throws {
        let folder = try TemporaryDirectory("remote-zarr-shards")
        let (local, expected) = try Self.writeShardedStore(in: folder)
        let log = folder.appending("requests.log")
        let server = try TestServer(script: "range_server.py", [folder.appending("www").path, "--log", log.path])
        let store = RemoteZarrStore(root: try RemoteLocation(parsing: server.baseURL + "/s.zarr"), client: RemoteClient(policy: Self.quick))
        let array = try ZarrArray(storage: store)
        #expect(try array.read() == expected)

        Thread.sleep(forTimeInterval: 0.2)  // the last lines of the whole read, logged after answering
        try Data().write(to: log)
        // Inside inner chunk (1, 1, 1) of shard (0, 0, 0).
        #expect(try array.read(origin: [1, 18, 20], shape: [1, 10, 10]) == (try expected.read(origin: [1, 18, 20], shape: [1, 10, 10])))
        Thread.sleep(forTimeInterval: 0.2)  // the server logs after answering
        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(lines.count == 2, "the index, then one inner chunk: \(lines)")
        #expect(lines.allSatisfy { $0.count == 4 && $0[0] == "GET" && $0[1] == "/s.zarr/c/0/0/0" && $0[3] == "206" }, "\(lines)")
        #expect(lines.first?[2] == "bytes=-132", "the last 16 × 8 + 4 bytes: \(lines)")
        let shardSize = try FileManager.default.attributesOfItem(atPath: local.appendingPathComponent("c/0/0/0").path)[.size] as! Int
        let fetched = lines.compactMap { line -> Int? in
            let spec = line[2].dropFirst("bytes=".count).split(separator: "-", omittingEmptySubsequences: false)
            guard spec.count == 2, let last = Int(spec[1]) else { return nil }
            return spec[0].isEmpty ? last : Int(spec[0]).map { last - $0 + 1 }
        }
        #expect(fetched.count == 2 && fetched.reduce(0, +) < shardSize / 2, "\(fetched) of a \(shardSize)-byte shard")

        // A region over the missing shard: its index GET is a 404, and nothing else is asked.
        try Data().write(to: log)
        #expect(try array.read(origin: [0, 40, 0], shape: [2, 10, 10]) == (try expected.read(origin: [0, 40, 0], shape: [2, 10, 10])))
        Thread.sleep(forTimeInterval: 0.2)
        let missing = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        #expect(missing == ["GET /s.zarr/c/0/1/0 bytes=-132 404"], "\(missing)")

        // A truncated shard, and an empty one (the suffix range is answered 416), name the shard.
        let shard = local.appendingPathComponent("c/0/0/0")
        for cut in [Data(try Data(contentsOf: shard).prefix(10)), Data()] {
            try cut.write(to: shard)
            let error = try #require(throws: ZarrError.self) { try array.read(origin: [1, 18, 20], shape: [1, 10, 10]) }
            #expect(error.kind == .corruptChunk && error.location == "c/0/0/0", "\(error)")
            #expect(error.store == server.baseURL + "/s.zarr" && error.reason.contains("too short for its index"), "\(error)")
        }
    }

    @Test(
        "a sharded array from S3 (suffix and byte ranges, signed) reads bit-exact",
        .enabled(
            if: RemoteTestConditions.hasMoto && ZarrTestSupport.hasZarrPython, "needs moto[server], boto3 and zarr>=3 (scripts/setup)"))
    func shardedFromS3() throws {
        let folder = try TemporaryDirectory("remote-zarr-s3-shards")
        let (_, expected) = try Self.writeShardedStore(in: folder)
        let server = try TestServer(script: "s3_server.py", ["imjoy-test", folder.appending("www").path])
        let keys = try #require(server.details.count == 2 ? server.details : nil, "s3_server.py prints the reader's key")
        let s3 = S3Configuration(
            credentials: .init(accessKey: keys[0], secretKey: keys[1]), region: "us-east-1", endpoint: URL(string: server.baseURL))
        let store = RemoteZarrStore(
            root: try RemoteLocation(parsing: "s3://imjoy-test/s.zarr"), client: RemoteClient(policy: Self.quick, s3: s3))
        let array = try ZarrArray(storage: store)
        #expect(try array.read() == expected)
        #expect(try array.read(origin: [1, 18, 20], shape: [2, 40, 25]) == (try expected.read(origin: [1, 18, 20], shape: [2, 40, 25])))
    }
}
