import Foundation
import ImJoySchema
import ImJoyWorkflow
import Synchronization

/// Why a run was cancelled.
public enum RunCancellationReason: Sendable, Equatable, CustomStringConvertible {
    /// A signal (SIGINT, SIGTERM) asked the run to stop.
    case signal(Int32)
    /// The embedding program called ``WorkflowRun/cancel(_:)``.
    case requested

    public var description: String {
        switch self {
        case .signal(let number): "cancelled by signal \(number)"
        case .requested: "cancelled"
        }
    }
}

/// The cancellation state of one run: the reason once cancelled, and the plugin hosts to stop.
final class RunCancellation: Sendable {
    private struct State {
        var reason: RunCancellationReason?
        var hosts: PluginHosts?
    }

    private let state = Mutex(State())

    var reason: RunCancellationReason? { state.withLock { $0.reason } }

    /// Records the reason (the first one wins) and stops the plugin processes: busy ones are
    /// killed, idle ones asked to exit and killed after `grace` seconds.
    func cancel(_ reason: RunCancellationReason, grace: Double = 1) {
        let hosts: PluginHosts? = state.withLock { state in
            if state.reason == nil { state.reason = reason }
            return state.hosts
        }
        hosts?.shutdown(grace: grace)
    }

    /// Hands over the run's plugin hosts; stops them at once when the run is already cancelled.
    func attach(_ hosts: PluginHosts?) {
        let cancelled = state.withLock { state in
            state.hosts = hosts
            return state.reason != nil
        }
        if cancelled { hosts?.shutdown(grace: 0) }
    }
}

/// Wraps the run's invoker: once the run is cancelled no call starts (each fails at once with
/// the reason, so the executor skips the rest of its item and drains quickly).
struct CancellableInvoker: OpInvoker {
    let inner: EngineInvoker
    let cancellation: RunCancellation

    func invoke(_ call: OpCall) throws -> JSONValue {
        if let reason = cancellation.reason { throw RunCancelled(reason: reason) }
        do {
            return try inner.invoke(call)
        } catch {
            // A call the cancellation interrupted fails with the reason, not the host's error.
            if let reason = cancellation.reason { throw RunCancelled(reason: reason) }
            throw error
        }
    }

    func cancel(_ call: OpCall) { inner.cancel(call) }

    func takesLazyData(_ op: PlannedOp) -> Bool { inner.takesLazyData(op) }
}

/// The failure of a call refused or interrupted by a cancellation.
struct RunCancelled: Error, CustomStringConvertible {
    var reason: RunCancellationReason
    var description: String { "run \(reason)" }
}
