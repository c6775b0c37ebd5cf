import Foundation
import ImJoySchema
import TestSupport
import Testing

@testable import ImageIO

/// Whole-file fetches and retries against a local server with HTTP Range (Tests/Fixtures/python/range_server.py).
@Suite struct RemoteFetchTests {
    static let quick = RetryPolicy(attempts: 4, baseDelay: 0.01, maximumDelay: 0.05, requestTimeout: 10, resourceTimeout: 30)

    /// A folder with `data.bin` (`size` pseudo-random bytes) served by a range server.
    struct Served {
        let folder: TemporaryDirectory
        let server: TestServer
        let bytes: Data
        var log: URL { folder.appending("requests.log") }
        /// The server's log (it writes a line after answering: wait a moment for the last).
        var requests: [String] {
            Thread.sleep(forTimeInterval: 0.2)
            return ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }

        init(size: Int = 300_000, failEvery: Int = 0, failFirst: Int = 0, stall: String? = nil) throws {
            folder = try TemporaryDirectory("remote-fetch")
            try FileManager.default.createDirectory(at: folder.appending("www"), withIntermediateDirectories: true)
            var generator = SystemRandomNumberGenerator()
            bytes = Data((0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) })
            try bytes.write(to: folder.appending("www/data.bin"))
            var arguments = [folder.appending("www").path, "--log", folder.appending("requests.log").path]
            if failEvery > 0 { arguments += ["--fail-every", String(failEvery)] }
            if let stall { arguments += ["--stall", stall] }
            if failFirst > 0 { arguments += ["--fail-first", String(failFirst)] }
            server = try TestServer(script: "range_server.py", arguments)
        }

        func location(_ name: String = "data.bin") throws -> RemoteLocation {
            try RemoteLocation(parsing: "\(server.baseURL)/\(name)")
        }
    }

    @Test func fetchesWithParallelRangedRequests() throws {
        let served = try Served()
        let client = RemoteClient(policy: Self.quick)
        let file = try RemoteFileFetch.download(
            served.location(), into: served.folder.appending("scratch"), client: client, partSize: 65_536)
        #expect(try Data(contentsOf: file) == served.bytes)
        let requests = served.requests
        #expect(requests.count == 5, "\(requests)")  // 300 000 bytes in parts of 64 KiB
        #expect(requests.allSatisfy { $0.contains("bytes=") && $0.hasSuffix(" 206") }, "\(requests)")
    }

    @Test func retriesFailedRequests() throws {
        // Every part's first request is answered 503: each part needs exactly one retry.
        let served = try Served(failFirst: 1)
        let client = RemoteClient(policy: Self.quick)
        let file = try RemoteFileFetch.download(
            served.location(), into: served.folder.appending("scratch"), client: client, partSize: 65_536)
        #expect(try Data(contentsOf: file) == served.bytes)
        let requests = served.requests
        #expect(requests.filter { $0.hasSuffix(" 503") }.count == 5 && requests.filter { $0.hasSuffix(" 206") }.count == 5, "\(requests)")
    }

    @Test func everyOtherRequestFailing() throws {
        // One request at a time against a server failing every other request: each GET needs at
        // most one retry.
        let served = try Served(failEvery: 2)
        let client = RemoteClient(policy: Self.quick)
        for part in 0..<6 {
            let range = part * 1000..<(part + 1) * 1000
            let response = try #require(try client.get(served.location(), range: range))
            #expect(response.status == 206 && response.body == served.bytes[range])
        }
        #expect(served.requests.filter { $0.hasSuffix(" 503") }.count >= 2, "\(served.requests)")
    }

    @Test func giveUpAfterTheLastAttemptNamingURLAndStatus() throws {
        let served = try Served(failEvery: 1)
        let client = RemoteClient(policy: Self.quick)
        let error = try #require(throws: RemoteError.self) {
            try RemoteFileFetch.download(served.location(), into: served.folder.appending("scratch"), client: client)
        }
        #expect(error.status == 503 && error.attempts == 4)
        #expect(error.description.contains(served.server.baseURL + "/data.bin") && error.description.contains("HTTP 503"), "\(error)")
        #expect(served.requests.count == 4)
        #expect(try FileManager.default.contentsOfDirectory(atPath: served.folder.appending("scratch").path).isEmpty)
    }

    @Test func notFoundIsNotRetried() throws {
        let served = try Served()
        let client = RemoteClient(policy: Self.quick)
        let error = try #require(throws: RemoteError.self) {
            try RemoteFileFetch.download(served.location("missing.tif"), into: served.folder.appending("scratch"), client: client)
        }
        #expect(error.status == 404 && error.attempts == 1 && served.requests.count == 1)
        #expect(error.description.hasPrefix("\(served.server.baseURL)/missing.tif: HTTP 404"), "\(error)")
    }

    @Test func aSilentServerTimesOutInsteadOfHanging() throws {
        let served = try Served(stall: "data.bin")
        let client = RemoteClient(policy: RetryPolicy(attempts: 2, baseDelay: 0.01, requestTimeout: 1, resourceTimeout: 3))
        let start = Date()
        let error = try #require(throws: RemoteError.self) { try client.get(try served.location()) }
        #expect(error.kind == .timeout && error.attempts == 2, "\(error)")
        #expect(Date().timeIntervalSince(start) < 15)
    }

    @Test func aBodyOverItsLimitIsRefusedAsItArrives() throws {
        let served = try Served()
        let error = try #require(throws: RemoteError.self) {
            try RemoteClient(policy: Self.quick).get(try served.location(), limit: 1000)
        }
        #expect(error.kind == .tooLarge && error.attempts == 1, "\(error)")
        let ranged = try #require(try RemoteClient(policy: Self.quick).get(try served.location(), range: 10..<20))
        #expect(ranged.body == served.bytes[10..<20])
    }

    @Test func anEmptyFileIsFetchedAsEmpty() throws {
        let served = try Served(size: 0)
        let file = try RemoteFileFetch.download(
            served.location(), into: served.folder.appending("scratch"), client: RemoteClient(policy: Self.quick))
        #expect(try Data(contentsOf: file).isEmpty)
    }

    @Test func connectionFailuresAreRetriedThenReported() throws {
        let served = try Served()
        let url = served.server.baseURL
        served.server.stop()
        let client = RemoteClient(policy: RetryPolicy(attempts: 2, baseDelay: 0.01, requestTimeout: 5, resourceTimeout: 10))
        let error = try #require(throws: RemoteError.self) { try client.get(try RemoteLocation(parsing: url + "/data.bin")) }
        #expect(error.kind == .connection && error.attempts == 2, "\(error)")
    }
}
