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
/// so a silent server cannot make a read hang, and a body limit checked as the bytes arrive
/// (``TransportDelegate``), so a server cannot make a read exhaust memory. No retries here
/// (``RemoteClient`` retries).
final class HTTPTransport: Sendable {
    private let session: URLSession
    private let delegate: TransportDelegate
    private let policy: RetryPolicy

    init(policy: RetryPolicy) {
        self.policy = policy
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = policy.requestTimeout
        configuration.timeoutIntervalForResource = policy.resourceTimeout
        configuration.httpMaximumConnectionsPerHost = 32
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        delegate = TransportDelegate()
        session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
    }

    deinit { session.invalidateAndCancel() }

    /// The answer to `request` (any status, a body of at most `limit` bytes), or a connection,
    /// timeout or size error naming `url`.
    func send(_ request: URLRequest, url: String, limit: Int) throws(RemoteError) -> HTTPResponse {
        var request = request
        request.timeoutInterval = policy.requestTimeout
        let done = DispatchSemaphore(value: 0)
        let task = session.dataTask(with: request)
        delegate.start(task.taskIdentifier, url: url, limit: limit) { done.signal() }
        task.resume()
        // URLSession enforces both timeouts; this deadline is the last resort if it did not.
        if done.wait(timeout: .now() + policy.resourceTimeout + 5) == .timedOut {
            task.cancel()
            _ = delegate.finish(task.taskIdentifier)
            throw RemoteError(url: url, kind: .timeout, reason: "no answer within \(Int(policy.resourceTimeout)) s")
        }
        return try delegate.finish(task.taskIdentifier).get()
    }
}

/// The session's delegate: collects each task's answer, cancels a task whose body passes its
/// limit, and signals the waiting thread when the task completes.
final class TransportDelegate: NSObject, URLSessionDataDelegate, Sendable {
    private struct Pending {
        var url: String
        var limit: Int
        var signal: @Sendable () -> Void
        var status = 0
        var headers: [String: String] = [:]
        var body = Data()
        var overLimit = false
        var outcome: Result<HTTPResponse, RemoteError>?
    }

    private let tasks = Mutex<[Int: Pending]>([:])

    func start(_ id: Int, url: String, limit: Int, signal: @escaping @Sendable () -> Void) {
        tasks.withLock { $0[id] = Pending(url: url, limit: limit, signal: signal) }
    }

    /// The task's outcome (forgotten afterwards).
    func finish(_ id: Int) -> Result<HTTPResponse, RemoteError> {
        let pending = tasks.withLock { $0.removeValue(forKey: id) }
        return pending?.outcome
            ?? .failure(RemoteError(url: pending?.url ?? "", kind: .invalidResponse, reason: "the request ended without an answer"))
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        let http = response as? HTTPURLResponse
        var headers: [String: String] = [:]
        for (name, value) in http?.allHeaderFields ?? [:] {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        let expected = response.expectedContentLength
        let proceed = tasks.withLock { tasks -> Bool in
            guard var pending = tasks[dataTask.taskIdentifier] else { return false }
            (pending.status, pending.headers) = (http?.statusCode ?? 0, headers)
            pending.overLimit = expected > Int64(pending.limit)
            if !pending.overLimit, expected > 0 { pending.body.reserveCapacity(Int(expected)) }
            tasks[dataTask.taskIdentifier] = pending
            return !pending.overLimit
        }
        completionHandler(proceed ? .allow : .cancel)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let cancel = tasks.withLock { tasks -> Bool in
            // Only scalars are read, and the body is appended in place (`tasks[id]!`): a copy of the
            // entry would share the body's storage and make the append copy the whole body.
            let id = dataTask.taskIdentifier
            guard let overLimit = tasks[id]?.overLimit, !overLimit, let limit = tasks[id]?.limit, let count = tasks[id]?.body.count
            else { return false }
            if count + data.count > limit {
                tasks[id]!.overLimit = true
                return true
            }
            tasks[id]!.body.append(data)
            return false
        }
        if cancel { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let signal = tasks.withLock { tasks -> (@Sendable () -> Void)? in
            guard let pending = tasks[task.taskIdentifier] else { return nil }
            tasks[task.taskIdentifier]!.outcome = Self.outcome(pending, error: error)
            tasks[task.taskIdentifier]!.body = Data()  // the outcome holds it
            return pending.signal
        }
        signal?()
    }

    private static func outcome(_ pending: Pending, error: (any Error)?) -> Result<HTTPResponse, RemoteError> {
        if pending.overLimit {
            return .failure(
                RemoteError(url: pending.url, kind: .tooLarge, reason: "the answer is larger than the \(pending.limit) bytes expected"))
        }
        if let error {
            let kind: RemoteError.Kind = (error as? URLError)?.code == .timedOut ? .timeout : .connection
            return .failure(RemoteError(url: pending.url, kind: kind, reason: error.localizedDescription))
        }
        guard pending.status > 0 else {
            return .failure(RemoteError(url: pending.url, kind: .invalidResponse, reason: "not an HTTP response"))
        }
        return .success(HTTPResponse(status: pending.status, headers: pending.headers, body: pending.body))
    }
}
