import Foundation
import ImJoySchema
import ImageIO

#if canImport(Glibc)
    import Glibc
#endif

/// One message between the runner and a plugin host (Python or Node.js): a JSON header and raw
/// binary buffers.
///
/// On the wire: `u32` header length, `u32` buffer count, the header (UTF-8 JSON), then per buffer
/// a `u64` length and the bytes, all little endian. Inside the header a binary value is
/// `{"__b__": i}` (buffer `i`) or `{"__shm__": name, "size": n}` (the first `n` bytes of
/// `/dev/shm/<name>`, a segment both sides keep mapped and reuse).
struct HostFrame {
    var header: JSONValue
    var buffers: [JSONBytes] = []

    /// The message type (`t`).
    var kind: String { header["t"]?.stringValue ?? "" }
}

/// Why talking to a host failed.
enum HostPipeError: Error, CustomStringConvertible {
    case closed
    case io(String)
    case malformed(String)

    var description: String {
        switch self {
        case .closed: "the plugin process closed its pipe"
        case .io(let reason): "pipe error: \(reason)"
        case .malformed(let reason): "malformed message from the plugin process: \(reason)"
        }
    }
}

// MARK: - Reading and writing frames

/// Reads and writes ``HostFrame``s on a pair of file descriptors (blocking).
///
/// A read does not outlive the process at the other end: a child it forked may hold the write
/// end open, so while waiting the pipe checks every ``livenessInterval`` whether process `pid`
/// has exited, and once it has, reads what arrives within ``drainTime`` and then fails `.closed`.
struct HostPipe {
    let readFD: Int32
    let writeFD: Int32
    /// The process at the other end (`nil`: wait for end of file only).
    var pid: pid_t?

    /// How often a waiting read checks that the process still runs (milliseconds).
    static let livenessInterval: Int32 = 200
    /// How long a read drains the pipe after the process exited (milliseconds).
    static let drainTime: Int32 = 300

    /// Frames up to this size go to the pipe in one write.
    static let coalescedBytes = 1 << 16

    func write(_ frame: HostFrame) throws {
        var head = [UInt8]()
        let text = Array(frame.header.serialized().utf8)
        head.reserveCapacity(text.count + 8 + frame.buffers.count * 8)
        appendLittleEndian(UInt32(text.count), to: &head)
        appendLittleEndian(UInt32(frame.buffers.count), to: &head)
        head += text
        for buffer in frame.buffers {
            appendLittleEndian(UInt64(buffer.count), to: &head)
            // Small buffers join the header: one write wakes the host once (a wakeup across CPUs
            // costs more than copying a few KiB); large ones are written from where they are.
            if head.count + buffer.count <= Self.coalescedBytes {
                buffer.withUnsafeBytes { bytes in head.append(contentsOf: bytes) }
                continue
            }
            try head.withUnsafeBytes { bytes in try writeAll(bytes) }
            head.removeAll(keepingCapacity: true)
            try buffer.withUnsafeBytes { bytes in try writeAll(bytes) }
        }
        if !head.isEmpty { try head.withUnsafeBytes { bytes in try writeAll(bytes) } }
    }

    func read() throws(HostPipeError) -> HostFrame {
        var prefix = [UInt8](repeating: 0, count: 8)
        try readExact(&prefix)
        let headerLength = Int(loadLittleEndian(UInt32.self, prefix, at: 0))
        let count = Int(loadLittleEndian(UInt32.self, prefix, at: 4))
        guard headerLength <= 1 << 30, count <= 1 << 20 else { throw .malformed("frame sizes \(headerLength), \(count)") }
        var text = [UInt8](repeating: 0, count: headerLength)
        try readExact(&text)
        let header: JSONValue
        do { header = try JSONValue(jsonBytes: text) } catch { throw .malformed("\(error)") }
        var buffers: [JSONBytes] = []
        for _ in 0..<count {
            var size = [UInt8](repeating: 0, count: 8)
            try readExact(&size)
            let length = Int(loadLittleEndian(UInt64.self, size, at: 0))
            guard length <= 1 << 34 else { throw .malformed("buffer of \(length) bytes") }
            var data = [UInt8](repeating: 0, count: length)
            try readExact(&data)
            buffers.append(JSONBytes(storage: ArrayByteStorage(data)))
        }
        return HostFrame(header: header, buffers: buffers)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        guard var pointer = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let written = Glibc.write(writeFD, pointer, left)
            if written < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE { throw HostPipeError.closed }
                throw HostPipeError.io(String(cString: strerror(errno)))
            }
            pointer += written
            left -= written
        }
    }

    private func readExact(_ buffer: inout [UInt8]) throws(HostPipeError) {
        let total = buffer.count
        var done = 0
        var failure: HostPipeError?
        buffer.withUnsafeMutableBytes { raw in
            while done < total {
                if let reason = waitReadable() {
                    failure = reason
                    return
                }
                let got = Glibc.read(readFD, raw.baseAddress! + done, total - done)
                if got < 0 {
                    if errno == EINTR { continue }
                    failure = .io(String(cString: strerror(errno)))
                    return
                }
                if got == 0 {
                    failure = .closed
                    return
                }
                done += got
            }
        }
        if let failure { throw failure }
    }

    /// Waits until the pipe has data (or end of file); `.closed` when process `pid` has exited
    /// and nothing came within ``drainTime``.
    private func waitReadable() -> HostPipeError? {
        guard let pid else { return nil }
        var exitedAt: Date?
        while true {
            var polled = pollfd(fd: readFD, events: Int16(POLLIN), revents: 0)
            let ready = poll(&polled, 1, exitedAt == nil ? Self.livenessInterval : 20)
            if ready > 0 { return nil }
            if ready < 0 && errno != EINTR { return .io(String(cString: strerror(errno))) }
            if let exitedAt {
                if Date().timeIntervalSince(exitedAt) * 1000 >= Double(Self.drainTime) { return .closed }
            } else if Self.hasExited(pid) {
                exitedAt = Date()
            }
        }
    }

    /// Whether `pid` (a child of this process) has exited or was reaped; does not reap it.
    static func hasExited(_ pid: pid_t) -> Bool {
        var info = siginfo_t()
        if waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0 { return errno == ECHILD }
        return info._sifields._sigchld.si_pid == pid
    }
}

private func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
}

private func loadLittleEndian<T: FixedWidthInteger>(_ type: T.Type, _ bytes: [UInt8], at offset: Int) -> T {
    var value: T = 0
    withUnsafeMutableBytes(of: &value) { target in
        bytes.withUnsafeBytes { source in
            target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + MemoryLayout<T>.size]))
        }
    }
    return T(littleEndian: value)
}

// MARK: - Values on the wire

/// The `/dev/shm` segments of one host process: the runner's (inputs, reused per slot) and the
/// host's (results, mapped here and reused while their names stay the same).
final class SharedSegments {
    /// Binary values of this size and more travel through shared memory.
    static let threshold = 1 << 20

    private let prefix: String
    /// How the host names its own segments (`imjoy-run-py-` or `imjoy-run-js-`, then its pid).
    private let hostPrefix: String
    private var serial = 0
    private var outgoing: [NDArray] = []
    private var incoming: [String: NDArray] = [:]
    private var droppedNames: [String] = []

    init(prefix: String, hostPrefix: String = "imjoy-run-py-") {
        self.prefix = prefix
        self.hostPrefix = hostPrefix
    }

    /// The names the host should unmap (segments replaced since the last call).
    func takeDropped() -> [String] {
        defer { droppedNames.removeAll() }
        return droppedNames
    }

    /// Copies `bytes` into the outgoing segment `slot` (grown under a new name when too small).
    func store(_ bytes: JSONBytes, slot: Int) throws -> String {
        while outgoing.count <= slot {
            outgoing.append(try makeSegment(byteCount: bytes.count))
        }
        if outgoing[slot].byteCount < bytes.count {
            let old = outgoing[slot]
            old.storage.unlinkSharedMemory()
            if let path = old.storage.sharedMemoryPath { droppedNames.append(String(path.dropFirst("/dev/shm/".count))) }
            outgoing[slot] = try makeSegment(byteCount: bytes.count)
        }
        let segment = outgoing[slot]
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress { segment.storage.baseAddress.copyMemory(from: base, byteCount: source.count) }
        }
        return String(segment.storage.sharedMemoryPath!.dropFirst("/dev/shm/".count))
    }

    /// `size` bytes at `offset` of segment `name`: the host's (mapped once, then reused) or one
    /// of ours (an input the host sent back unchanged).
    func load(name: String, size: Int, offset: Int = 0) throws -> UnsafeRawBufferPointer {
        if offset != 0 || !name.hasPrefix(hostPrefix) {
            guard offset >= 0, let segment = outgoing.first(where: { $0.storage.sharedMemoryPath == "/dev/shm/" + name }),
                offset + size <= segment.byteCount
            else { throw HostPipeError.malformed("shared memory reference \(name)+\(offset)") }
            return UnsafeRawBufferPointer(start: segment.storage.baseAddress + offset, count: size)
        }
        if let mapped = incoming[name], mapped.byteCount >= size {
            return UnsafeRawBufferPointer(start: mapped.storage.baseAddress, count: size)
        }
        guard !name.contains("/"), name.hasPrefix(hostPrefix) else {
            throw HostPipeError.malformed("shared memory name \(name)")
        }
        let mapped = try NDArray.openShared(name: name, shape: [size], dtype: .uint8)
        if incoming.count >= 16 { incoming.removeAll() }
        incoming[name] = mapped
        return UnsafeRawBufferPointer(start: mapped.storage.baseAddress, count: size)
    }

    /// Removes the runner's segments (the host removes its own; `names` are its leftovers).
    func removeAll(hostPID: Int32?) {
        for segment in outgoing { segment.storage.unlinkSharedMemory() }
        outgoing.removeAll()
        incoming.removeAll()
        guard let hostPID else { return }
        let leftovers = "\(hostPrefix)\(hostPID)-"
        if let names = try? FileManager.default.contentsOfDirectory(atPath: "/dev/shm") {
            for name in names where name.hasPrefix(leftovers) { unlink("/dev/shm/" + name) }
        }
    }

    private func makeSegment(byteCount: Int) throws -> NDArray {
        serial += 1
        // Round up so a slightly larger array next time reuses the segment.
        let size = max(byteCount, Self.threshold) + max(byteCount, Self.threshold) / 8
        return try NDArray.createShared(name: "\(prefix)-\(serial)", shape: [size], dtype: .uint8)
    }
}

/// Converts between ``JSONValue`` (arrays as imjoy-rpc ndarray dicts) and frame headers.
struct WireCodec {
    let segments: SharedSegments

    /// `value` with every binary payload replaced by a buffer index or a shared-memory reference.
    func encode(_ value: JSONValue, buffers: inout [JSONBytes], slot: inout Int) throws -> JSONValue {
        switch value {
        case .bytes(let bytes):
            if bytes.count >= SharedSegments.threshold {
                let name = try segments.store(bytes, slot: slot)
                slot += 1
                return ["__shm__": .string(name), "size": .integer(Int64(bytes.count))]
            }
            buffers.append(bytes)
            return ["__b__": .integer(Int64(buffers.count - 1))]
        case .array(let items):
            return .array(try items.map { try encode($0, buffers: &buffers, slot: &slot) })
        case .object(let object):
            var result = JSONObject()
            for (key, item) in object { result[key] = try encode(item, buffers: &buffers, slot: &slot) }
            return .object(result)
        default:
            return value
        }
    }

    /// `value` with buffer and shared-memory references resolved; ndarray dicts become
    /// ``NDArray`` rpc values in the runner's own memory.
    func decode(_ value: JSONValue, buffers: [JSONBytes]) throws -> JSONValue {
        switch value {
        case .array(let items):
            return .array(try items.map { try decode($0, buffers: buffers) })
        case .object(let object):
            if object.count <= 3, object["__b__"] != nil || object["__shm__"] != nil {
                return .bytes(try bytes(object, buffers: buffers))
            }
            if object["_rtype"]?.stringValue == "ndarray", let raw = object["_rvalue"]?.objectValue {
                return try ndarray(object, raw: raw, buffers: buffers)
            }
            var result = JSONObject()
            for (key, item) in object { result[key] = try decode(item, buffers: buffers) }
            return .object(result)
        default:
            return value
        }
    }

    private func bytes(_ reference: JSONObject, buffers: [JSONBytes]) throws -> JSONBytes {
        if let index = reference["__b__"]?.intValue {
            guard buffers.indices.contains(index) else { throw HostPipeError.malformed("buffer \(index) is missing") }
            return buffers[index]
        }
        guard let name = reference["__shm__"]?.stringValue, let size = reference["size"]?.intValue, size >= 0 else {
            throw HostPipeError.malformed("shared memory reference \(JSONValue.object(reference))")
        }
        let source = try segments.load(name: name, size: size, offset: reference["offset"]?.intValue ?? 0)
        let copy = try NDArray(shape: [size], dtype: .uint8, copying: source)
        return JSONBytes(storage: copy.storage, range: 0..<size)
    }

    private func ndarray(_ object: JSONObject, raw: JSONObject, buffers: [JSONBytes]) throws -> JSONValue {
        guard let dtypeName = object["_rdtype"]?.stringValue, let dtype = DType(rawValue: dtypeName) else {
            throw HostPipeError.malformed("unsupported ndarray dtype \(object["_rdtype"] ?? .null)")
        }
        let shape = (object["_rshape"]?.arrayValue ?? []).compactMap(\.intValue)
        let array: NDArray
        if let name = raw["__shm__"]?.stringValue, let size = raw["size"]?.intValue {
            let source = try segments.load(name: name, size: size, offset: raw["offset"]?.intValue ?? 0)
            array = try NDArray(shape: shape, dtype: dtype, copying: source)
        } else {
            let data = try bytes(raw, buffers: buffers)
            array = try data.withUnsafeBytes { try NDArray(shape: shape, dtype: dtype, copying: $0) }
        }
        return array.rpcValue
    }
}
