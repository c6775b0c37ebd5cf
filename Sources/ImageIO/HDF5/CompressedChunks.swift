import CDeflate
import Foundation

/// The stored chunks of a chunked dataset exactly as `H5Dwrite_chunk` takes them (gathered,
/// byte-shuffled, deflated), with what they encode, so the same dataset can be written again
/// without compressing it: the same chunks at the same offsets give the same file bytes.
///
/// ``serialized()`` is a self-checking blob; ``init(serialized:)`` rejects anything truncated,
/// corrupt or of another layout version (the result cache keeps such blobs, see
/// docs/reproducibility.md).
public struct CompressedChunks: Sendable, Equatable {
    /// What the chunks encode; ``HDF5Writer`` writes stored chunks only for an equal format.
    public struct Format: Sendable, Equatable, Codable {
        public var shape: [Int]
        public var dtype: String
        public var chunkShape: [Int]
        public var shuffle: Bool
        /// The deflate level, or `nil` for chunks stored uncompressed.
        public var deflateLevel: Int?
        /// The compressor (another libdeflate may produce other bytes for the same input).
        public var compressor: String

        public init(shape: [Int], dtype: DType, chunkShape: [Int], shuffle: Bool, compression: Compression) {
            self.shape = shape
            self.dtype = dtype.rawValue
            self.chunkShape = chunkShape
            self.shuffle = shuffle && dtype.byteSize > 1
            if case .deflate(let level) = compression { deflateLevel = level } else { deflateLevel = nil }
            compressor = "libdeflate " + LIBDEFLATE_VERSION_STRING
        }
    }

    public var format: Format
    /// One entry per chunk, in C order over the chunk grid.
    public var chunks: [[UInt8]]

    public init(format: Format, chunks: [[UInt8]]) {
        self.format = format
        self.chunks = chunks
    }

    // MARK: - Blob

    /// `IJH5CHK1`, the format's JSON length (u32) and JSON, the chunk count (u32), each chunk's
    /// length (u64), the chunks, and the CRC-32 of everything before it (u32); little-endian.
    private static let magic = Array("IJH5CHK1".utf8)

    /// The blob ``init(serialized:)`` reads back.
    public func serialized() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = Array((try? encoder.encode(format)) ?? Data())
        var out = Self.magic
        out.reserveCapacity(out.count + 12 + json.count + chunks.count * 8 + chunks.reduce(0) { $0 + $1.count })
        Self.append(UInt32(json.count), to: &out)
        out += json
        Self.append(UInt32(chunks.count), to: &out)
        for chunk in chunks { Self.append(UInt64(chunk.count), to: &out) }
        for chunk in chunks { out += chunk }
        let crc = out.withUnsafeBytes { libdeflate_crc32(0, $0.baseAddress, $0.count) }
        Self.append(crc, to: &out)
        return out
    }

    /// Reads a blob made by ``serialized()``; `nil` when it is truncated, too long, fails its
    /// checksum or is not such a blob.
    public init?(serialized bytes: [UInt8]) {
        guard bytes.count >= Self.magic.count + 12, bytes.starts(with: Self.magic) else { return nil }
        let body = bytes.count - 4
        let crc = bytes.withUnsafeBytes { libdeflate_crc32(0, $0.baseAddress, body) }
        guard Self.read(UInt32.self, bytes, at: body) == crc else { return nil }
        var offset = Self.magic.count
        let jsonLength = Int(Self.read(UInt32.self, bytes, at: offset))
        offset += 4
        guard jsonLength <= body - offset - 4,
            let format = try? JSONDecoder().decode(Format.self, from: Data(bytes[offset..<offset + jsonLength]))
        else { return nil }
        offset += jsonLength
        let count = Int(Self.read(UInt32.self, bytes, at: offset))
        offset += 4
        guard count <= (body - offset) / 8 else { return nil }
        var sizes: [Int] = []
        for index in 0..<count {
            let size = Self.read(UInt64.self, bytes, at: offset + index * 8)
            guard size > 0, size <= UInt64(body) else { return nil }
            sizes.append(Int(size))
        }
        offset += count * 8
        guard sizes.reduce(0, +) == body - offset else { return nil }
        var chunks: [[UInt8]] = []
        chunks.reserveCapacity(count)
        for size in sizes {
            chunks.append(Array(bytes[offset..<offset + size]))
            offset += size
        }
        self.init(format: format, chunks: chunks)
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out += $0 }
    }

    private static func read<T: FixedWidthInteger>(_ type: T.Type, _ bytes: [UInt8], at offset: Int) -> T {
        var value = T.zero
        withUnsafeMutableBytes(of: &value) { target in
            bytes.withUnsafeBytes { target.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<offset + MemoryLayout<T>.size])) }
        }
        return T(littleEndian: value)
    }
}

/// What a chunked ``HDF5Writer/writeDataset(_:_:layout:chunks:)`` does about compressed chunks.
public enum ChunkReuse: Sendable {
    /// Compress, and keep nothing.
    case none
    /// Compress, and return the chunks written.
    case keep
    /// Write these chunks as they are when their format is the dataset's; otherwise compress and
    /// return the fresh chunks (to replace the stale ones).
    case reuse(CompressedChunks)
}

extension ChunkReuse {
    /// Whether a write that compresses returns its chunks.
    var keepsWritten: Bool {
        switch self {
        case .none: false
        case .keep, .reuse: true
        }
    }
}
