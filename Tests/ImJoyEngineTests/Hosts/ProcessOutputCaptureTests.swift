import Foundation
import Testing

@testable import ImJoyEngine

#if canImport(Glibc)
    import Glibc
#endif

/// The runner's reader of a plugin process's fds 1 and 2, over real pipes.
@Suite struct ProcessOutputCaptureTests {
    final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var events: [PluginEvent] = []
        func add(_ new: [PluginEvent]) { lock.withLock { events += new } }
        var all: [PluginEvent] { lock.withLock { events } }
        var lines: [String] { all.map { "\($0.label) \($0.origin?.item ?? "-"): \($0.text)" } }
    }

    /// A capture over two new pipes; returns it with the write ends (stdout, stderr).
    static func capture() throws -> (ProcessOutputCapture, Collected, Int32, Int32) {
        var out: [Int32] = [0, 0]
        var err: [Int32] = [0, 0]
        try #require(pipe(&out) == 0 && pipe(&err) == 0)
        let collected = Collected()
        let capture = ProcessOutputCapture(plugin: "P", pid: 42, stdoutFD: out[0], stderrFD: err[0], emit: collected.add)
        return (capture, collected, out[1], err[1])
    }

    static func write(_ fd: Int32, _ text: String) {
        _ = text.utf8CString.withUnsafeBufferPointer { Glibc.write(fd, $0.baseAddress, $0.count - 1) }
    }

    @Test func linesAreSplitAtNewlinesAndCarriageReturnsAndAttributedToTheCall() throws {
        let (capture, collected, out, err) = try Self.capture()
        let first = PluginEvent.Origin(op: "op", item: "i1", itemIndex: 1)
        capture.attribute(to: first)
        Self.write(out, "one\ntwo\r\nthree\rfour")
        Self.write(err, "partial")
        capture.drain()
        #expect(collected.lines.filter { $0.hasPrefix("stdout") } == ["stdout i1: one", "stdout i1: two", "stdout i1: three"])
        // Unfinished lines belong to the call that wrote them.
        capture.attribute(to: PluginEvent.Origin(op: "op", item: "i2", itemIndex: 2))
        #expect(collected.lines.contains("stdout i1: four") && collected.lines.contains("stderr i1: partial"))
        Self.write(out, "five\n")
        capture.attribute(to: nil)
        #expect(collected.lines.last == "stdout i2: five")
        Self.write(err, "between calls\n")
        close(out)
        close(err)
        capture.close()
        #expect(collected.lines.last == "stderr -: between calls")
        #expect(collected.all.allSatisfy { $0.plugin == "P" && $0.pid == 42 })
    }

    @Test func theReaderThreadKeepsAWriterFromBlockingOnAFullPipe() throws {
        let (capture, collected, out, err) = try Self.capture()
        // Far more than a pipe holds (64 KiB): write() returns only because the thread reads.
        let line = String(repeating: "x", count: 99) + "\n"
        for _ in 0..<5000 { Self.write(out, line) }
        close(out)
        close(err)
        capture.close()
        #expect(collected.all.count == 5000)
        #expect(collected.all.allSatisfy { $0.text.count == 99 })
    }

    @Test func aLineWithoutEndIsPassedOnInPieces() throws {
        let (capture, collected, out, err) = try Self.capture()
        let long = String(repeating: "y", count: ProcessOutputCapture.maximumLine * 2 + 10)
        let written = DispatchSemaphore(value: 0)
        Thread {
            Self.write(out, long)
            close(out)
            written.signal()
        }.start()
        written.wait()
        close(err)
        capture.close()
        #expect(collected.all.map(\.text).joined() == long)
        #expect(collected.all.count >= 2)
    }
}
