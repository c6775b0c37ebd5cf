import Foundation
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One HTTP answer: status, headers (names lowercased) and body.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Sends one request and waits for its answer: URLSession (libcurl-backed FoundationNetworking on
/// Linux), each request with an idle timeout and a total deadline after which it is cancelled,
/// so a silent server cannot make a read hang. No retries here (``RemoteClient`` retries).
final class HTTPTransport: Sendable {
    private let session: URLSession
    private let policy: RetryPolicy

    init(policy: RetryPolicy) {
        self.policy = policy
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = policy.requestTimeout
        configuration.timeoutIntervalForResource = policy.resourceTimeout
        configuration.httpMaximumConnectionsPerHost = 32
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        session = URLSession(configuration: configuration)
    }

    deinit { session.invalidateAndCancel() }

    /// The answer to `request` (any status), or a connection/timeout error naming `url`.
    func send(_ request: URLRequest, url: String) throws(RemoteError) -> HTTPResponse {
        var request = request
        request.timeoutInterval = policy.requestTimeout
        let answer = Mutex<Result<HTTPResponse, RemoteError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let task = session.dataTask(with: request) { data, response, error in
            let outcome = result(data: data, response: response, error: error, url: url)
            answer.withLock { $0 = outcome }
            done.signal()
        }
        task.resume()
        // URLSession enforces both timeouts; this deadline is the last resort if it did not.
        if done.wait(timeout: .now() + policy.resourceTimeout + 5) == .timedOut {
            task.cancel()
            throw RemoteError(url: url, kind: .timeout, reason: "no answer within \(Int(policy.resourceTimeout)) s")
        }
        guard let outcome = answer.withLock({ $0 }) else {
            throw RemoteError(url: url, kind: .invalidResponse, reason: "the request ended without an answer")
        }
        return try outcome.get()
    }
}

/// The completion handler's arguments as a Sendable result.
private func result(data: Data?, response: URLResponse?, error: (any Error)?, url: String) -> Result<HTTPResponse, RemoteError> {
    if let error {
        let kind: RemoteError.Kind = (error as? URLError)?.code == .timedOut ? .timeout : .connection
        return .failure(RemoteError(url: url, kind: kind, reason: error.localizedDescription))
    }
    guard let http = response as? HTTPURLResponse else {
        return .failure(RemoteError(url: url, kind: .invalidResponse, reason: "not an HTTP response"))
    }
    var headers: [String: String] = [:]
    for (name, value) in http.allHeaderFields {
        if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
    }
    return .success(HTTPResponse(status: http.statusCode, headers: headers, body: data ?? Data()))
}
