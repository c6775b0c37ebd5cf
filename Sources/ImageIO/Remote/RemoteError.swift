import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A remote read that failed: the URL, what went wrong (an HTTP status, a connection failure, a
/// timeout, a response that does not fit the request) and how many attempts were made.
public struct RemoteError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The server answered with this HTTP status (4xx are not retried; 5xx are).
        case status(Int)
        /// No answer: refused, reset, DNS, TLS (retried).
        case connection
        /// No complete answer within the request's timeout (retried).
        case timeout
        /// An answer that does not fit the request (a wrong range, a short body); not retried.
        case invalidResponse
        /// The object changed between two ranged requests (its ETag did not match).
        case changed
        /// The answer's body is larger than the read allows (never buffered past the limit).
        case tooLarge
        /// A local file error while storing what was fetched.
        case io
    }

    /// The URL as the input named it.
    public let url: String
    public let kind: Kind
    public let reason: String
    /// Requests made for it (more than one after retries).
    public var attempts: Int

    public init(url: String, kind: Kind, reason: String, attempts: Int = 1) {
        self.url = url
        self.kind = kind
        self.reason = reason
        self.attempts = attempts
    }

    /// Whether another attempt may succeed: 5xx statuses, connection failures and timeouts.
    public var isRetryable: Bool {
        switch kind {
        case .status(let code): return (500...599).contains(code)
        case .connection, .timeout: return true
        case .invalidResponse, .changed, .tooLarge, .io: return false
        }
    }

    /// The HTTP status, when the server answered with an error status.
    public var status: Int? {
        if case .status(let code) = kind { return code }
        return nil
    }

    public var description: String {
        let what: String
        switch kind {
        case .status(let code):
            let name = HTTPURLResponse.localizedString(forStatusCode: code)
            what = "HTTP \(code) \(name)" + (reason.isEmpty ? "" : ": \(reason)")
        case .connection: what = "connection failed: \(reason)"
        case .timeout: what = "timed out: \(reason)"
        case .invalidResponse: what = "unexpected response: \(reason)"
        case .changed: what = "the object changed while it was read: \(reason)"
        case .tooLarge: what = reason
        case .io: what = reason
        }
        return "\(url): \(what)" + (attempts > 1 ? " (after \(attempts) attempts)" : "")
    }
}
