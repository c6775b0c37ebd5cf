import Foundation
import HeapModule

/// Fires op timeouts on a thread of its own.
///
/// A plugin that forks without end exhausts the process table (its pids cgroup, or the user's
/// `RLIMIT_NPROC`, which the runner shares): libdispatch then cannot start the worker thread a
/// `DispatchQueue.asyncAfter` timer needs, and the timeout that would stop the plugin never
/// fires. This thread is started with the run, before any plugin, and needs no new thread
/// (nor memory beyond its heap) to call `action` — which kills the plugin's process group.
// @unchecked: `timers` is read and written only while `condition` is locked.
final class TimeoutWatchdog: @unchecked Sendable {
    private struct Deadline: Comparable {
        var time: Date
        var id: Int
        static func < (a: Deadline, b: Deadline) -> Bool { (a.time, a.id) < (b.time, b.id) }
        static func == (a: Deadline, b: Deadline) -> Bool { a.id == b.id && a.time == b.time }
    }

    /// Signalled when a deadline is added or the watchdog stops; the thread waits on it.
    private let condition = NSCondition()
    /// Read and written only while `condition` is locked (a condition variable, so not a Mutex).
    private var timers = Timers()

    private struct Timers {
        var deadlines = Heap<Deadline>()
        var actions: [Int: @Sendable () -> Void] = [:]
        var nextID = 0
        var stopped = false
    }

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
        timers.nextID += 1
        timers.actions[timers.nextID] = action
        timers.deadlines.insert(Deadline(time: Date().addingTimeInterval(seconds), id: timers.nextID))
        condition.signal()
        return timers.nextID
    }

    /// Forgets the deadline `token` (its action will not run).
    func cancel(_ token: Int) {
        condition.lock()
        timers.actions[token] = nil
        condition.unlock()
    }

    /// Ends the thread; pending deadlines are dropped.
    func stop() {
        condition.lock()
        timers.stopped = true
        timers.actions.removeAll()
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        condition.lock()
        while !timers.stopped {
            guard let first = timers.deadlines.min else {
                condition.wait()
                continue
            }
            if first.time > Date() {
                _ = condition.wait(until: first.time)
                continue
            }
            timers.deadlines.removeMin()
            guard let action = timers.actions.removeValue(forKey: first.id) else { continue }
            condition.unlock()
            action()
            condition.lock()
        }
        condition.unlock()
    }
}
