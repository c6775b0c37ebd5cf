import Foundation
import ImJoySchema
import ImageIO
import Testing

@testable import ImJoyEngine

#if canImport(Glibc)
    import Glibc
#endif

/// The runner's side of the host protocol, without Python: frames through a real pipe.
@Suite struct HostFrameTests {
    /// Writes `frame` on one end of a pipe (from another thread) and reads it from the other.
    static func throughPipe(_ frame: HostFrame) throws -> HostFrame {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer {
            close(fds[0])
            close(fds[1])
        }
        let pipeEnds = HostPipe(readFD: fds[0], writeFD: fds[1])
        let written = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var writeError: Error?
        let outgoing = frame
        DispatchQueue.global().async {
            do { try pipeEnds.write(outgoing) } catch { writeError = error }
            written.signal()
        }
        let received = try pipeEnds.read()
        written.wait()
        if let writeError { throw writeError }
        return received
    }

    @Test func framesCarryHeadersAndBinaryBuffers() throws {
        let buffers = [JSONBytes([1, 2, 3]), JSONBytes([UInt8](repeating: 7, count: 300_000))]
        let frame = HostFrame(header: ["t": "call", "args": [["__b__": 0], ["__b__": 1]], "text": "é"], buffers: buffers)
        let received = try Self.throughPipe(frame)
        #expect(received.header == frame.header)
        #expect(received.buffers == buffers)
        #expect(received.kind == "call")
    }

    @Test(arguments: [16, 2 << 20])
    func arraysRoundTripThroughTheCodec(byteCount: Int) throws {
        let segments = SharedSegments(prefix: "imjoy-run-test-\(getpid())-\(byteCount)")
        defer { segments.removeAll(hostPID: nil) }
        let codec = WireCodec(segments: segments)
        let array = try NDArray(shape: [byteCount / 4], elements: (0..<byteCount / 4).map { Float($0) * 0.5 })
        let value: JSONValue = ["image": array.rpcValue, "n": 3, "list": [1, "a", .null]]
        var buffers: [JSONBytes] = []
        var slot = 0
        let encoded = try codec.encode(value, buffers: &buffers, slot: &slot)
        let large = byteCount >= SharedSegments.threshold
        #expect(buffers.count == (large ? 0 : 1))
        #expect(slot == (large ? 1 : 0))
        #expect((encoded["image"]?["_rvalue"]?["__shm__"] != nil) == large)
        let received = try Self.throughPipe(HostFrame(header: encoded, buffers: buffers))
        let decoded = try codec.decode(received.header, buffers: received.buffers)
        #expect(decoded == value)
        #expect(try NDArray(rpcValue: decoded["image"]!).elements(as: Float.self) == array.elements(as: Float.self))
    }
}
