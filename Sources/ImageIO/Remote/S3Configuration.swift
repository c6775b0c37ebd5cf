import Foundation
import ImJoySchema

/// Where S3 requests go and how they are signed, taken ONLY from the environment (never from
/// files or instance metadata): `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`,
/// `AWS_REGION` (else `AWS_DEFAULT_REGION`, else `us-east-1`), and `AWS_ENDPOINT_URL_S3` (else
/// `AWS_ENDPOINT_URL`) for S3-compatible servers (MinIO, Ceph, moto), addressed path-style
/// (`ENDPOINT/BUCKET/KEY`). Without credentials requests are anonymous (public buckets).
public struct S3Configuration: Sendable, Equatable {
    public struct Credentials: Sendable, Equatable {
        public var accessKey: String
        public var secretKey: String
        public var sessionToken: String?

        public init(accessKey: String, secretKey: String, sessionToken: String? = nil) {
            self.accessKey = accessKey
            self.secretKey = secretKey
            self.sessionToken = sessionToken
        }
    }

    /// `nil`: anonymous requests.
    public var credentials: Credentials?
    public var region: String
    /// A custom endpoint (`http://127.0.0.1:9000`), `nil` for AWS itself.
    public var endpoint: URL?

    public init(credentials: Credentials? = nil, region: String = "us-east-1", endpoint: URL? = nil) {
        self.credentials = credentials
        self.region = region
        self.endpoint = endpoint
    }

    /// The configuration the environment gives.
    public init(environment: [String: String]) {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let key = value("AWS_ACCESS_KEY_ID"), let secret = value("AWS_SECRET_ACCESS_KEY") {
            credentials = Credentials(accessKey: key, secretKey: secret, sessionToken: value("AWS_SESSION_TOKEN"))
        }
        region = value("AWS_REGION") ?? value("AWS_DEFAULT_REGION") ?? "us-east-1"
        endpoint = (value("AWS_ENDPOINT_URL_S3") ?? value("AWS_ENDPOINT_URL")).flatMap { URL(string: $0) }
    }

    /// The https URL of `location`'s object and the host the signature covers: path-style on a
    /// custom endpoint or for bucket names with dots, else virtual-hosted on AWS.
    func objectURL(_ location: RemoteLocation) -> (url: URL, host: String, canonicalURI: String)? {
        let key = S3Signer.encodePath(location.path)
        if let endpoint, let scheme = endpoint.scheme, let host = endpoint.host {
            let authority = endpoint.port.map { "\(host):\($0)" } ?? host
            var base = endpoint.path
            while base.hasSuffix("/") { base.removeLast() }
            let uri = "\(base)/\(location.authority)/\(key)"
            return URL(string: "\(scheme)://\(authority)\(uri)").map { ($0, authority, uri) }
        }
        if location.authority.contains(".") {
            let host = "s3.\(region).amazonaws.com"
            let uri = "/\(location.authority)/\(key)"
            return URL(string: "https://\(host)\(uri)").map { ($0, host, uri) }
        }
        let host = "\(location.authority).s3.\(region).amazonaws.com"
        return URL(string: "https://\(host)/\(key)").map { ($0, host, "/\(key)") }
    }
}
