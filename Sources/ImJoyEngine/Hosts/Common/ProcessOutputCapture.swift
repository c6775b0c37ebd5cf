import Foundation

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
final class ProcessOutputCapture: @unchecked Sendable {
    static let streams = ["stdout", "stderr"]
    /// A line longer than this is passed on in pieces.
    static let maximumLine = 64 << 10

    private let lock = NSLock()
    private var descriptors: [Int32]
    private var atEnd: [Bool]
    private var partial: [[UInt8]]
    private var origin: PluginEvent.Origin?
    private var closed = false
    private var buffer = [UInt8](repeating: 0, count: 64 << 10)
    private let plugin: String
    private let pid: Int32
    private let emit: ([PluginEvent]) -> Void

    /// Starts reading `stdoutFD` and `stderrFD` (read ends this object now owns) of process `pid`.
    init(plugin: String, pid: Int32, stdoutFD: Int32, stderrFD: Int32, emit: @escaping ([PluginEvent]) -> Void) {
        self.plugin = plugin
        self.pid = pid
        descriptors = [stdoutFD, stderrFD]
        atEnd = [false, false]
        partial = [[], []]
        self.emit = emit
        for fd in descriptors { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        let thread = Thread { [self] in readLoop() }
        thread.name = "imjoy-run.plugin-output"
        thread.start()
    }

    /// The call whose output follows (`nil`: between calls). Lines read so far, and any
    /// unfinished line, belong to the previous one.
    func attribute(to origin: PluginEvent.Origin?) {
        lock.withLock {
            readAvailable(finishLines: true)
            self.origin = origin
        }
    }

    /// Passes on what the process has written so far.
    func drain() {
        lock.withLock { readAvailable(finishLines: false) }
    }

    /// Reads what is left, then closes the pipes and stops the thread.
    func close() {
        lock.withLock {
            guard !closed else { return }
            readAvailable(finishLines: true)
            closed = true
            for fd in descriptors { Glibc.close(fd) }
        }
    }

    private func readLoop() {
        while true {
            var polled: [pollfd] = []
            let done: Bool = lock.withLock {
                if closed || !atEnd.contains(false) { return true }
                for (index, fd) in descriptors.enumerated() where !atEnd[index] {
                    polled.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
                }
                return false
            }
            if done { return }
            // A timeout, so that a pipe some grandchild keeps open cannot keep the thread after close().
            _ = poll(&polled, nfds_t(polled.count), 250)
            lock.withLock { if !closed { readAvailable(finishLines: false) } }
        }
    }

    /// Reads every pipe until it has nothing more (or 1 MiB each, when it is written faster than
    /// read), splits lines and emits them. Must hold `lock`.
    private func readAvailable(finishLines: Bool) {
        guard !closed else { return }
        var lines: [PluginEvent] = []
        for index in descriptors.indices where !atEnd[index] {
            for _ in 0..<16 {
                let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptors[index], $0.baseAddress, $0.count) }
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
        if !lines.isEmpty { emit(lines) }
    }

    /// Complete lines of `partial[stream]`: ended by `\n`, `\r\n` or a lone `\r` (progress bars).
    private func splitLines(stream: Int, into lines: inout [PluginEvent]) {
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
        if pending.count >= Self.maximumLine {
            lines.append(line(stream, pending[...]))
            pending.removeAll()
        }
        partial[stream] = pending
    }

    private func line(_ stream: Int, _ bytes: ArraySlice<UInt8>) -> PluginEvent {
        PluginEvent(plugin: plugin, pid: pid, origin: origin, kind: .output(stream: Self.streams[stream], text: String(decoding: bytes, as: UTF8.self)))
    }

    private func finish(stream: Int, into lines: inout [PluginEvent]) {
        guard !partial[stream].isEmpty else { return }
        var text = partial[stream]
        if text.last == UInt8(ascii: "\r") { text.removeLast() }
        lines.append(line(stream, text[...]))
        partial[stream].removeAll()
    }
}
