import Foundation
import ImJoyEngine
import TestSupport
import Testing

@Suite struct SHA256Tests {
    @Test func knownVectors() {
        #expect(SHA256.hex(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256.hex(Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            SHA256.hex(Data(repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func incrementalUpdatesAndFilesMatchPython() throws {
        var bytes = [UInt8](repeating: 0, count: 3_000_017)
        var state: UInt32 = 12345
        for i in bytes.indices {
            state = state &* 1_103_515_245 &+ 12345
            bytes[i] = UInt8(truncatingIfNeeded: state >> 16)
        }
        var hasher = SHA256()
        for chunk in stride(from: 0, to: bytes.count, by: 65_537) { hasher.update(bytes[chunk..<min(chunk + 65_537, bytes.count)]) }
        let incremental = hasher.finalizeHex()
        #expect(incremental == SHA256.hex(bytes))
        let directory = try Fixtures.temporaryDirectory("sha256")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("blob")
        try Data(bytes).write(to: file)
        let (fromFile, size) = try SHA256.file(file.path)
        #expect(size == bytes.count && fromFile == incremental)
        let python = try CommandRunner.python(
            "import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], 'rb').read()).hexdigest())", [file.path])
        #expect(python.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == incremental)
    }
}
