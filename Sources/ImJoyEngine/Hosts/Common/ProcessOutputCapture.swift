import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// What a plugin process writes to its file descriptors 1 and 2 — C extensions, `os.write`,
/// subprocesses, faulthandler; `print` goes through the protocol instead (docs/plugin-hosts.md) —
/// read from two pipes by a thread of its own, so the process never blocks on a full pipe.
///
/// Lines are attributed to the call in flight when they are read. ``drain()`` reads what is
/// already in the pipes; the process calls it before handling each frame, so whatever the plugin
/// wrote before returning belongs to that call and comes before the frames that follow it.
final class ProcessOutputCapture: Sendable {
    static let streams = ["stdout", "stderr"]
    /// A line longer than this is passed on in pieces.
    static let maximumLine = 64 << 10

    /// The pipes and what was read from them; lines are emitted while it is held, so that they
    /// go on in the order they were read.
    private let state: Mutex<State>
    private let emit: @Sendable ([PluginEvent]) -> Void

    /// Starts reading `stdoutFD` and `stderrFD` (read ends this object now owns) of process `pid`.
    init(plugin: String, pid: Int32, stdoutFD: Int32, stderrFD: Int32, emit: @escaping ([PluginEvent]) -> Void) {
        let descriptors = [stdoutFD, stderrFD]
        for fd in descriptors { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        state = Mutex(State(plugin: plugin, pid: pid, descriptors: descriptors))
        let unchecked = UncheckedEmit(emit)
        self.emit = { unchecked.emit($0) }
        let thread = Thread { [self] in readLoop() }
        thread.name = "imjoy-run.plugin-output"
        thread.start()
    }

    /// The call whose output follows (`nil`: between calls). Lines read so far, and any
    /// unfinished line, belong to the previous one.
    func attribute(to origin: PluginEvent.Origin?) {
        state.withLock { state in
            send(state.readAvailable(finishLines: true))
            state.origin = origin
        }
    }

    /// Passes on what the process has written so far.
    func drain() {
        state.withLock { send($0.readAvailable(finishLines: false)) }
    }

    /// Reads what is left (a bounded amount: what the pipes hold now), then closes the pipes and
    /// stops the thread — even when a child of the process still holds their write ends.
    func close() {
        state.withLock { state in
            guard !state.closed else { return }
            send(state.readAvailable(finishLines: true))
            state.closed = true
            for fd in state.descriptors { Glibc.close(fd) }
        }
    }

    private func send(_ lines: [PluginEvent]) {
        if !lines.isEmpty { emit(lines) }
    }

    private func readLoop() {
        while true {
            var polled: [pollfd] = []
            let done: Bool = state.withLock { state in
                if state.closed || !state.atEnd.contains(false) { return true }
                for (index, fd) in state.descriptors.enumerated() where !state.atEnd[index] {
                    polled.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
                }
                return false
            }
            if done { return }
            // A timeout, so that a pipe some grandchild keeps open cannot keep the thread after close().
            _ = poll(&polled, nfds_t(polled.count), 250)
            state.withLock { state in if !state.closed { send(state.readAvailable(finishLines: false)) } }
        }
    }

    /// The pipes, the unfinished line of each, and the call their lines belong to.
    private struct State: ~Copyable {
        let plugin: String
        let pid: Int32
        let descriptors: [Int32]
        var atEnd = [false, false]
        var partial: [[UInt8]] = [[], []]
        var origin: PluginEvent.Origin?
        var closed = false
        var buffer = [UInt8](repeating: 0, count: 64 << 10)

        init(plugin: String, pid: Int32, descriptors: [Int32]) {
            self.plugin = plugin
            self.pid = pid
            self.descriptors = descriptors
        }

        /// Reads every pipe until it has nothing more (or 1 MiB each, when it is written faster
        /// than read) and splits lines.
        mutating func readAvailable(finishLines: Bool) -> [PluginEvent] {
            guard !closed else { return [] }
            var lines: [PluginEvent] = []
            for index in descriptors.indices where !atEnd[index] {
                for _ in 0..<16 {
                    let fd = descriptors[index]
                    let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
                    if count > 0 {
                        partial[index].append(contentsOf: buffer[0..<count])
                        splitLines(stream: index, into: &lines)
                        if count < buffer.count { break }
                        continue
                    }
                    if count == 0 || (errno != EAGAIN && errno != EINTR) {
                        atEnd[index] = true
                        finish(stream: index, into: &lines)
                    }
                    break
                }
            }
            if finishLines {
                for index in descriptors.indices { finish(stream: index, into: &lines) }
            }
            return lines
        }

        /// Complete lines of `partial[stream]`: ended by `\n`, `\r\n` or a lone `\r` (progress bars).
        private mutating func splitLines(stream: Int, into lines: inout [PluginEvent]) {
            var pending: [UInt8] = []
            swap(&pending, &partial[stream])
            var start = 0
            var index = 0
            while index < pending.count {
                let byte = pending[index]
                if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                    if byte == UInt8(ascii: "\r") && index + 1 == pending.count { break }  // maybe \r\n: wait
                    lines.append(line(stream, pending[start..<index]))
                    if byte == UInt8(ascii: "\r") && pending[index + 1] == UInt8(ascii: "\n") { index += 1 }
                    start = index + 1
                }
                index += 1
            }
            pending.removeFirst(start)
            if pending.count >= ProcessOutputCapture.maximumLine {
                lines.append(line(stream, pending[...]))
                pending.removeAll()
            }
            partial[stream] = pending
        }

        private func line(_ stream: Int, _ bytes: ArraySlice<UInt8>) -> PluginEvent {
            PluginEvent(
                plugin: plugin, pid: pid, origin: origin,
                kind: .output(stream: ProcessOutputCapture.streams[stream], text: String(decoding: bytes, as: UTF8.self)))
        }

        private mutating func finish(stream: Int, into lines: inout [PluginEvent]) {
            guard !partial[stream].isEmpty else { return }
            var text = partial[stream]
            if text.last == UInt8(ascii: "\r") { text.removeLast() }
            lines.append(line(stream, text[...]))
            partial[stream].removeAll()
        }
    }
}

/// The emit closure handed in by the process; it is called only under `state`'s lock.
// @unchecked: the closure is immutable and called only inside `state`'s lock, one thread at a time.
private final class UncheckedEmit: @unchecked Sendable {
    let emit: ([PluginEvent]) -> Void
    init(_ emit: @escaping ([PluginEvent]) -> Void) { self.emit = emit }
}
