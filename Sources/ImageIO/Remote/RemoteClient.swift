import Foundation
import ImJoySchema

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Reads remote objects: GETs (whole or a byte range) of `http(s)://` URLs as written and of
/// `s3://bucket/key` objects through ``S3Configuration`` (SigV4-signed with the environment's
/// credentials, anonymous without), retried by ``RetryPolicy``. Adding a scheme: a case in
/// `RemoteLocation.Scheme` and its request in ``request(for:range:ifMatch:)``.
public final class RemoteClient: Sendable {
    /// The client of runs and `convert`: the standard policy, S3 settings from the environment.
    public static let shared = RemoteClient()

    public let policy: RetryPolicy
    public let s3: S3Configuration
    private let transport: HTTPTransport

    public init(policy: RetryPolicy = .standard, s3: S3Configuration = S3Configuration(environment: ProcessInfo.processInfo.environment)) {
        self.policy = policy
        self.s3 = s3
        transport = HTTPTransport(policy: policy)
    }

    /// GETs `location` (the bytes of `range` only, with `Range: bytes=…`), retrying 5xx answers,
    /// connection failures and timeouts. `ifMatch` makes a changed object fail (HTTP 412). A body
    /// over `limit` bytes (default: the range's length, else 1 GiB) is refused as it arrives.
    ///
    /// - Returns: the 2xx answer; with `missingIsNil` a 404 gives `nil` (a Zarr chunk not stored).
    /// - Throws: ``RemoteError`` naming the URL, the status and the attempts made.
    public func get(
        _ location: RemoteLocation, range: Range<Int>? = nil, ifMatch: String? = nil, missingIsNil: Bool = false, limit: Int? = nil
    ) throws(RemoteError) -> HTTPResponse? {
        try get(location, byteRange: range.map(RemoteByteRange.bytes), ifMatch: ifMatch, missingIsNil: missingIsNil, limit: limit)
    }

    /// GETs `location` as ``get(_:range:ifMatch:missingIsNil:limit:)`` does, with any
    /// ``RemoteByteRange``: `.suffix(n)` (`Range: bytes=-n`) asks for the last `n` bytes of an object
    /// whose size is not known (a Zarr shard's index at its end). The answer is 206 with
    /// `Content-Range`, or 200 with the whole object from a server without ranges.
    public func get(
        _ location: RemoteLocation, byteRange range: RemoteByteRange?, ifMatch: String? = nil, missingIsNil: Bool = false,
        limit: Int? = nil
    ) throws(RemoteError) -> HTTPResponse? {
        let url = location.description
        let limit = limit ?? range?.count ?? Self.maximumBodyBytes
        var attempt = 1
        while true {
            do throws(RemoteError) {
                let response = try transport.send(try request(for: location, range: range, ifMatch: ifMatch), url: url, limit: limit)
                if (200...299).contains(response.status) { return response }
                if response.status == 404 && missingIsNil { return nil }
                throw RemoteError(url: url, kind: .status(response.status), reason: Self.errorDetail(response))
            } catch {
                var failure = error
                failure.attempts = attempt
                guard failure.isRetryable, attempt < policy.attempts else { throw failure }
                attempt += 1
                Thread.sleep(forTimeInterval: policy.delay(beforeAttempt: attempt))
            }
        }
    }

    /// The largest body a GET without a range or limit accepts: 1 GiB.
    public static let maximumBodyBytes = 1 << 30

    /// The request for `location`: the URL itself for http(s); for s3 the object's URL on the
    /// endpoint, signed when there are credentials.
    func request(for location: RemoteLocation, range: RemoteByteRange?, ifMatch: String?) throws(RemoteError) -> URLRequest {
        var headers: [String: String] = ["Accept-Encoding": "identity"]
        if let range { headers["Range"] = range.header }
        if let ifMatch { headers["If-Match"] = ifMatch }
        let url: URL
        switch location.scheme {
        case .http, .https:
            guard let parsed = URL(string: location.description) else {
                throw RemoteError(url: location.description, kind: .invalidResponse, reason: "not a valid URL")
            }
            url = parsed
        case .s3:
            guard let object = s3.objectURL(location) else {
                throw RemoteError(url: location.description, kind: .invalidResponse, reason: "cannot form the object's URL on the endpoint")
            }
            url = object.url
            if let credentials = s3.credentials {
                let signer = S3Signer(credentials: credentials, region: s3.region)
                let signed = signer.sign(
                    host: object.host, canonicalURI: object.canonicalURI, headers: headers.filter { $0.key != "Accept-Encoding" },
                    date: Date())
                headers.merge(signed) { _, new in new }
            }
        }
        var request = URLRequest(url: url)
        request.httpMethod = "GET"
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        return request
    }

    /// A short reason from an error body: S3's `<Code>`/`<Message>`, else the first line of text.
    static func errorDetail(_ response: HTTPResponse) -> String {
        let text = String(decoding: response.body.prefix(2048), as: UTF8.self)
        func element(_ name: String) -> String? {
            guard let start = text.range(of: "<\(name)>"), let end = text.range(of: "</\(name)>", range: start.upperBound..<text.endIndex)
            else { return nil }
            return String(text[start.upperBound..<end.lowerBound])
        }
        if let code = element("Code") { return [code, element("Message")].compactMap { $0 }.joined(separator: ": ") }
        return ""
    }
}

/// The bytes a GET asks for: `bytes(a..<b)` (`Range: bytes=a-(b-1)`) or the last `n` bytes of the
/// object (`suffix(n)`, `Range: bytes=-n`: all of it when the object is shorter).
public enum RemoteByteRange: Sendable, Equatable {
    case bytes(Range<Int>)
    case suffix(Int)

    /// The `Range` header's value.
    public var header: String {
        switch self {
        case .bytes(let range): "bytes=\(range.lowerBound)-\(range.upperBound - 1)"
        case .suffix(let count): "bytes=-\(count)"
        }
    }

    /// The most bytes the range holds.
    public var count: Int {
        switch self {
        case .bytes(let range): range.count
        case .suffix(let count): count
        }
    }
}
