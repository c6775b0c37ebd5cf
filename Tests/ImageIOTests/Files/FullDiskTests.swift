import Foundation
import TestSupport
import Testing

@testable import ImageIO

/// Whether a 1 MiB tmpfs can be mounted here (root, and a kernel that lets us).
private let tmpfsAvailable: Bool = {
    guard getuid() == 0 else { return false }
    guard let folder = try? FullDiskTests.mount() else { return false }
    FullDiskTests.unmount(folder)
    return true
}()

/// Writing on a full disk is a clean error naming ENOSPC and the file; nothing is left under the
/// final name (or as a temporary sibling); libhdf5 does not crash.
@Suite("full disk", .enabled(if: tmpfsAvailable, "needs root to mount a small tmpfs"), .serialized)
struct FullDiskTests {
    static func mount() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("imageio-full-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/mount")
        process.arguments = ["-t", "tmpfs", "-o", "size=1m", "tmpfs", folder.path]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            try? FileManager.default.removeItem(at: folder)
            throw CocoaError(.fileWriteUnknown)
        }
        return folder
    }

    static func unmount(_ folder: URL) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/umount")
        process.arguments = [folder.path]
        try? process.run()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: folder)
    }

    let big = try! NDArray(shape: [8, 256, 256], elements: (0..<(8 * 256 * 256)).map { UInt32(truncatingIfNeeded: $0 &* 2_654_435_761) })

    @Test(arguments: ["big.tif", "big.h5"])
    func tooBigForTheDisk(_ name: String) throws {
        let folder = try Self.mount()
        defer { Self.unmount(folder) }
        let url = folder.appendingPathComponent(name)
        let format = try #require(ArrayFormatRegistry.standard.format(for: url))
        let error = try #require(throws: (any Error).self) {
            try format.write(big, to: url, options: ArrayWriteOptions(compression: Compression.none))
        }
        let text = "\(error)"
        #expect(text.contains("no space left on device (ENOSPC)"), "\(text)")
        #expect(text.contains(url.path), "\(text)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test(arguments: ["small.tif", "small.h5"])
    func diskAlreadyFull(_ name: String) throws {
        let folder = try Self.mount()
        defer { Self.unmount(folder) }
        let filler = folder.appendingPathComponent("filler")
        _ = FileManager.default.createFile(atPath: filler.path, contents: nil)
        let handle = try FileHandle(forWritingTo: filler)
        while (try? handle.write(contentsOf: Data(count: 64 << 10))) != nil {}
        try? handle.close()
        let url = folder.appendingPathComponent(name)
        let format = try #require(ArrayFormatRegistry.standard.format(for: url))
        let error = try #require(throws: (any Error).self) {
            try format.write(try NDArray(shape: [4, 4], elements: [UInt8](repeating: 1, count: 16)), to: url, options: ArrayWriteOptions())
        }
        let text = "\(error)"
        #expect(text.contains("no space left on device (ENOSPC)"), "\(text)")
        #expect(!text.contains("not a readable"), "\(text)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["filler"])
    }
}
