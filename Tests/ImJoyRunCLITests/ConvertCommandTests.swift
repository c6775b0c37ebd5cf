import Foundation
import TestSupport
import Testing

/// Runs the built `imjoy-run` with `arguments`; returns status, stdout and stderr.
private func imjoyRun(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    try runProcess(Fixtures.imjoyRunExecutable, arguments)
}

private func runProcess(_ executable: URL, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("stderr-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errFile) }
    let out = Pipe()
    process.standardOutput = out
    process.standardError = try FileHandle(forWritingTo: errFile)
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), try String(contentsOf: errFile, encoding: .utf8))
}

@Suite("imjoy-run convert")
struct ConvertCommandTests {
    @Test(
        "TIFF → HDF5 → TIFF keeps every pixel", .enabled(if: TestConditions.pythonWithNumpy, "needs python3 with numpy, tifffile and h5py"),
        arguments: ["none", "deflate", "lzw", "zstd"])
    func roundTrip(compression: String) throws {
        let directory = try Fixtures.temporaryDirectory("convert")
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("in.tif").path
        let h5 = directory.appendingPathComponent("mid.h5").path
        let back = directory.appendingPathComponent("out.tiff").path
        let make =
            "import tifffile, numpy as np, sys\nrng = np.random.default_rng(5)\ntifffile.imwrite(sys.argv[1], rng.integers(0, 4000, (4, 3, 50, 60), dtype=np.uint16), imagej=True)"
        #expect(try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", make, source]).status == 0)

        let h5Compression = compression == "deflate" ? "deflate" : "none"
        let first = try imjoyRun(["convert", source, h5, "--compression", h5Compression, "--dataset", "/item/raw"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.isEmpty)
        let second = try imjoyRun(["convert", h5, back, "--compression", compression, "--imagej", "--dataset", "/item/raw"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.isEmpty)

        let check = """
            import tifffile, h5py, numpy as np, sys
            a = tifffile.imread(sys.argv[1]); b = tifffile.imread(sys.argv[3])
            h = h5py.File(sys.argv[2], 'r')['/item/raw'][()]
            t = tifffile.TiffFile(sys.argv[3])
            assert a.shape == (4, 3, 50, 60) and h.shape == a.shape and b.shape == a.shape, (a.shape, h.shape, b.shape)
            assert (a == h).all() and (a == b).all()
            assert t.imagej_metadata['slices'] == 4 and t.imagej_metadata['channels'] == 3
            print(t.pages[0].compression.name)
            """
        let result = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", check, source, h5, back])
        #expect(result.status == 0, "\(result.stderr)")
        let expected = ["none": "NONE", "deflate": "ADOBE_DEFLATE", "lzw": "LZW", "zstd": "ZSTD"][compression]
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == expected)
    }

    @Test(
        "bad input exits 2 with one line on stderr naming the file",
        arguments: [
            ("empty.tif", ""), ("garbage.tif", "this is not a TIFF"), ("header.tif", "II*\u{0}\u{8}\u{0}\u{0}\u{0}\u{1}"),
            ("empty.h5", ""), ("garbage.h5", "\u{89}HDF\r\n\u{1A}\n then rubbish follows here"),
        ])
    func badInput(name: String, content: String) throws {
        let directory = try Fixtures.temporaryDirectory("convert")
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent(name)
        try Data(content.utf8).write(to: source)
        let target = directory.appendingPathComponent(name.hasSuffix(".tif") ? "out.h5" : "out.tif")
        let result = try imjoyRun(["convert", source.path, target.path])
        #expect(result.status == 2)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "exactly one line, nothing from libtiff/HDF5: \(result.stderr)")
        #expect(lines.first?.hasPrefix("imjoy-run: error: ") == true)
        #expect(result.stderr.contains(source.path))
        #expect(!FileManager.default.fileExists(atPath: target.path))
    }

    @Test("usage errors exit 2")
    func usage() throws {
        let result = try imjoyRun(["convert", "/tmp/a.png", "/tmp/b.tif"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("unknown input format"))
        let bad = try imjoyRun(["convert", "/tmp/a.tif", "/tmp/b.tif", "--compression", "jpeg2000"])
        #expect(bad.status == 2)
    }
}
