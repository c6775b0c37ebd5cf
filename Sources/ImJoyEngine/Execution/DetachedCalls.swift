import Foundation
import ImJoySchema
import Synchronization

/// Built-in ops with a `timeout`, run so that the timeout ends the item even when the kernel
/// cannot be interrupted (a read blocked in `open` or `read`: a file on a hung network mount, a
/// FIFO that replaced an input after planning).
///
/// The kernel runs on a thread of its own while the worker waits for it; when the op's timeout
/// passes, ``cancel(_:)`` lets the worker go at once (the executor reports the timeout) and the
/// kernel's thread is abandoned: it ends whenever its system call returns, and its result is
/// dropped. Only ops that write no files run so: an abandoned writer could still rename a file
/// into place for an item that failed.
final class DetachedCalls: Sendable {
    /// Why a detached call returned without a result (its timeout passed; the executor reports it).
    struct Abandoned: Error, CustomStringConvertible {
        var op: String
        var description: String { "op \(op): abandoned when its timeout passed" }
    }

    /// One call in flight: its outcome (set by the kernel's thread, or `nil` when abandoned) and
    /// the semaphore the worker waits on.
    private final class Call: Sendable {
        let finished = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<JSONValue, any Error>?>(nil)
    }

    private let calls = Mutex<[String: Call]>([:])

    private static func key(_ call: OpCall) -> String {
        "\(call.op.id)\u{0}\(call.item.index)\u{0}\(call.attempt)"
    }

    /// Runs `body` on a new thread and waits until it returns or ``cancel(_:)`` abandons `call`.
    /// - Throws: what `body` threw, or ``Abandoned`` when the call was cancelled first.
    func run(_ call: OpCall, _ body: @escaping @Sendable () throws -> JSONValue) throws -> JSONValue {
        let running = Call()
        let key = Self.key(call)
        calls.withLock { $0[key] = running }
        defer { _ = calls.withLock { $0.removeValue(forKey: key) } }
        let thread = Thread {
            let result = Result { try body() }
            running.outcome.withLock { $0 = $0 ?? result }
            running.finished.signal()
        }
        thread.name = "imjoy-run.builtin.\(call.op.id)"
        thread.start()
        running.finished.wait()
        guard let outcome = running.outcome.withLock({ $0 }) else { throw Abandoned(op: call.op.id) }
        return try outcome.get()
    }

    /// Abandons `call` if it is in flight: its worker returns at once.
    func cancel(_ call: OpCall) {
        guard let running = calls.withLock({ $0[Self.key(call)] }) else { return }
        running.finished.signal()
    }
}
