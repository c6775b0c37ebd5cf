import Dispatch

/// Wraps a value the caller guarantees is used safely across threads (disjoint writes, or
/// objects owned by one worker). Internal: ImageIO exports no unchecked-Sendable wrapper.
// @unchecked: its callers use the value from one worker at a time or write disjoint parts.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(value: Value) { self.value = value }
}

/// Runs `body(worker)` for `workers` workers on Dispatch's concurrent pool and waits for all.
///
/// `body` may capture non-Sendable state as long as workers touch disjoint parts of it.
public func runWorkers(_ workers: Int, _ body: (Int) -> Void) {
    guard workers > 1 else {
        if workers == 1 { body(0) }
        return
    }
    withoutActuallyEscaping(body) { escaping in
        let box = UncheckedSendable(value: escaping)
        DispatchQueue.concurrentPerform(iterations: workers) { box.value.self($0) }
    }
}

/// A slot one task fills and another reads after waiting on a `DispatchGroup`.
// @unchecked: written by one task, read only after the DispatchGroup wait (a barrier).
final class ResultBox<Value>: @unchecked Sendable {
    var value: Value?
}
