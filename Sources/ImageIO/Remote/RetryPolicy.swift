import Foundation

/// How remote requests are retried: at most ``attempts`` requests, waiting an exponentially
/// growing, jittered delay between them (``delay(beforeAttempt:)``). Only 5xx statuses,
/// connection failures and timeouts are retried (``RemoteError/isRetryable``); a 4xx is final.
public struct RetryPolicy: Sendable, Equatable {
    /// Requests in all, the first included (1 = no retry).
    public var attempts: Int
    /// The wait before the second attempt, in seconds; each later wait doubles it.
    public var baseDelay: Double
    /// The longest wait between two attempts, in seconds.
    public var maximumDelay: Double
    /// Seconds without progress after which one request fails (retried as a timeout).
    public var requestTimeout: Double
    /// Seconds one request may take in all, however it progresses.
    public var resourceTimeout: Double

    public init(
        attempts: Int = 5, baseDelay: Double = 0.25, maximumDelay: Double = 4, requestTimeout: Double = 30, resourceTimeout: Double = 600
    ) {
        self.attempts = max(1, attempts)
        self.baseDelay = max(0, baseDelay)
        self.maximumDelay = max(0, maximumDelay)
        self.requestTimeout = max(0.1, requestTimeout)
        self.resourceTimeout = max(0.1, resourceTimeout)
    }

    /// The default: 5 attempts, 0.25 s doubling up to 4 s (at most ~4 s of waiting in all), 30 s
    /// without progress or 10 min in all per request.
    public static let standard = RetryPolicy()

    /// The wait before attempt `attempt` (2, 3, …): `baseDelay · 2^(attempt−2)`, capped at
    /// ``maximumDelay``, with ±25 % jitter so that parallel readers do not retry in step.
    public func delay(beforeAttempt attempt: Int) -> Double {
        guard attempt > 1 else { return 0 }
        let exponential = min(maximumDelay, baseDelay * Double(1 << min(attempt - 2, 20)))
        return exponential * Double.random(in: 0.75...1.25)
    }
}
