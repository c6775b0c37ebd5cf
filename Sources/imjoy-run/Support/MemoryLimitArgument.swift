import ArgumentParser
import Foundation
import ImageIO

/// `--memory-limit SIZE`, shared by `run` and `convert`: arrays larger than this are not read
/// into memory but streamed block by block (docs/builtin-ops.md, "Larger than memory").
struct MemoryLimitArgument: ParsableArguments {
    @Option(
        name: .customLong("memory-limit"),
        help: ArgumentHelp(
            "Arrays larger than this are processed block by block, not read whole (bytes, or with K, M, G, T: 512M, 2G; default: physical memory).",
            valueName: "SIZE"))
    var text: String?

    /// Refuses a malformed or tiny size while the arguments are parsed (a usage error, exit 2).
    func validate() throws {
        _ = try bytes()
    }

    /// The limit in bytes (physical memory when not given).
    func bytes() throws -> Int {
        guard let text else { return NDArray.maximumByteCount }
        guard let value = Self.parse(text) else {
            throw ValidationError("--memory-limit: '\(text)' is not a size (a positive number of bytes, or with K, M, G or T: 512M, 2G)")
        }
        guard value >= 4096 else { throw ValidationError("--memory-limit must be at least 4096 bytes (4K), not \(text)") }
        return value
    }

    /// `1024`, `64K`, `512M`, `2G`, `1.5G`, `1T` (binary multiples; `KiB`/`MB` spellings too) in bytes.
    static func parse(_ text: String) -> Int? {
        var number = text.trimmingCharacters(in: .whitespaces).uppercased()
        for suffix in ["IB", "B"] where number.hasSuffix(suffix) && number.count > suffix.count {
            number.removeLast(suffix.count)
            break
        }
        let scales: [Character: Double] = ["K": 0x1p10, "M": 0x1p20, "G": 0x1p30, "T": 0x1p40]
        var scale = 1.0
        if let last = number.last, let factor = scales[last] {
            scale = factor
            number.removeLast()
        }
        guard let value = Double(number), value.isFinite, value > 0 else { return nil }
        let bytes = value * scale
        guard bytes < 9.0e18 else { return nil }
        return Int(bytes)
    }
}
