import Foundation
import HeapModule

/// Fires op timeouts on a thread of its own.
///
/// A plugin that forks without end exhausts the process table (its pids cgroup, or the user's
/// `RLIMIT_NPROC`, which the runner shares): libdispatch then cannot start the worker thread a
/// `DispatchQueue.asyncAfter` timer needs, and the timeout that would stop the plugin never
/// fires. This thread is started with the run, before any plugin, and needs no new thread
/// (nor memory beyond its heap) to call `action` — which kills the plugin's process group.
final class TimeoutWatchdog: @unchecked Sendable {
    // @unchecked: every stored var is read and written only while `condition` is locked.
    private struct Deadline: Comparable {
        var time: Date
        var id: Int
        static func < (a: Deadline, b: Deadline) -> Bool { (a.time, a.id) < (b.time, b.id) }
        static func == (a: Deadline, b: Deadline) -> Bool { a.id == b.id && a.time == b.time }
    }

    private let condition = NSCondition()
    private var deadlines = Heap<Deadline>()
    private var actions: [Int: @Sendable () -> Void] = [:]
    private var nextID = 0
    private var stopped = false

    init() {
        // The thread keeps the watchdog alive until `stop()` ends its loop.
        let thread = Thread { [self] in self.loop() }
        thread.name = "imjoy-run.timeouts"
        thread.stackSize = 256 * 1024
        thread.start()
    }

    /// Runs `action` after `seconds` unless the returned token is cancelled first.
    func schedule(after seconds: Double, _ action: @escaping @Sendable () -> Void) -> Int {
        condition.lock()
        defer { condition.unlock() }
        nextID += 1
        actions[nextID] = action
        deadlines.insert(Deadline(time: Date().addingTimeInterval(seconds), id: nextID))
        condition.signal()
        return nextID
    }

    /// Forgets the deadline `token` (its action will not run).
    func cancel(_ token: Int) {
        condition.lock()
        actions[token] = nil
        condition.unlock()
    }

    /// Ends the thread; pending deadlines are dropped.
    func stop() {
        condition.lock()
        stopped = true
        actions.removeAll()
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        condition.lock()
        while !stopped {
            guard let first = deadlines.min else {
                condition.wait()
                continue
            }
            if first.time > Date() {
                _ = condition.wait(until: first.time)
                continue
            }
            deadlines.removeMin()
            guard let action = actions.removeValue(forKey: first.id) else { continue }
            condition.unlock()
            action()
            condition.lock()
        }
        condition.unlock()
    }
}
