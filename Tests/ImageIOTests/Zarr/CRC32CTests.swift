import Foundation
import ImJoySchema
import Testing

@testable import ImageIO

/// The hand-written CRC32C (`Zarr/CRC32C.swift`): the published check values, the slicing-by-8
/// loop against the byte-at-a-time tail at every length and alignment, and google-crc32c (what
/// zarr-python's `crc32c` codec uses).
@Suite("CRC32C")
struct CRC32CTests {
    /// Whether python3 has google-crc32c (a zarr-python 3 dependency).
    static let hasGoogleCRC32C: Bool = (try? ZarrTestSupport.python("import google_crc32c").status) == 0

    @Test("the check value and the RFC 3720 (iSCSI) vectors")
    func knownVectors() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([]) == 0)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).map { UInt8(31 - $0) }) == 0x113F_DB5C)
    }

    /// Every length 0...40 at every offset 0...7 of a buffer, against a bitwise reference.
    @Test("slicing-by-8 equals the bitwise definition at every length and alignment")
    func everyLengthAndAlignment() {
        func bitwise(_ bytes: ArraySlice<UInt8>) -> UInt32 {
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in bytes {
                crc ^= UInt32(byte)
                for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            }
            return ~crc
        }
        let data = (0..<64).map { UInt8(truncatingIfNeeded: $0 &* 151 &+ 7) }
        for offset in 0..<8 {
            for length in 0...40 {
                let slice = data[offset..<(offset + length)]
                let fast = slice.withUnsafeBytes { CRC32C.checksum($0) }
                #expect(fast == bitwise(slice), "offset \(offset), length \(length)")
                // Continuing over two pieces gives the checksum of the whole.
                let cut = length / 3
                let first = data[offset..<(offset + cut)].withUnsafeBytes { CRC32C.checksum($0) }
                let both = data[(offset + cut)..<(offset + length)].withUnsafeBytes { CRC32C.checksum($0, continuing: first) }
                #expect(both == fast)
            }
        }
    }

    @Test("a trailing little-endian CRC32C is checked")
    func trailer() {
        var bytes = Array("123456789".utf8) + [0x83, 0x92, 0x06, 0xE3]
        #expect(bytes.withUnsafeBytes { CRC32C.verifyTrailer($0) } == nil)
        bytes[0] ^= 1
        let reason = bytes.withUnsafeBytes { CRC32C.verifyTrailer($0) }
        #expect(reason?.contains("stored 0xe3069283") == true, "\(reason ?? "nil")")
        #expect([UInt8]([1, 2, 3]).withUnsafeBytes { CRC32C.verifyTrailer($0) } != nil)
    }

    @Test(
        "equals google-crc32c on random buffers of many lengths",
        .enabled(if: hasGoogleCRC32C, "python3 has no google_crc32c (installed with zarr-python 3; scripts/setup)"))
    func againstGoogleCRC32C() throws {
        let script = """
            import sys, json, random, google_crc32c
            rng = random.Random(11)
            out = []
            for n in [0, 1, 3, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000, 4096]:
                data = bytes(rng.getrandbits(8) for _ in range(n))
                out.append({"hex": data.hex(), "seed": n, "crc": google_crc32c.value(data)})
            big = bytes(rng.getrandbits(8) for _ in range(300001))
            open(sys.argv[1], "wb").write(big)
            out.append({"hex": "", "seed": -1, "crc": google_crc32c.value(big)})
            print(json.dumps(out))
            """
        let folder = try ZarrTestSupport.makeFolder()
        defer { ZarrTestSupport.remove(folder) }
        let file = folder.appendingPathComponent("big.bin")
        let cases = try ZarrTestSupport.pythonJSON(script, [file.path])
        var checked = 0
        for item in cases.arrayValue ?? [] {
            let expected = UInt32(try #require(item["crc"]?.intValue))
            if item["seed"]?.intValue == -1 {
                let bytes = [UInt8](try Data(contentsOf: file))
                #expect(CRC32C.checksum(bytes) == expected)
                checked += 1
                continue
            }
            let hex = try #require(item["hex"]?.stringValue)
            var bytes: [UInt8] = []
            var index = hex.startIndex
            while index < hex.endIndex {
                let next = hex.index(index, offsetBy: 2)
                bytes.append(UInt8(hex[index..<next], radix: 16)!)
                index = next
            }
            #expect(CRC32C.checksum(bytes) == expected, "\(bytes.count) bytes")
            checked += 1
        }
        #expect(checked == 15)
    }
}
