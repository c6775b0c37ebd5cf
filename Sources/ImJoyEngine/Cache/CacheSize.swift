import Foundation

/// Sizes as the `cache prune --max-size` option takes them.
public enum CacheSize {
    /// `10G`, `500M`, `64K`, `1000` (bytes; powers of 1024); `nil` when not a size.
    public static func parse(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
            .replacingOccurrences(of: "IB", with: "").replacingOccurrences(of: "B", with: "")
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        if let last = trimmed.last, let unit = units[last], let value = Double(trimmed.dropLast()) {
            let bytes = value * Double(unit)
            return bytes.isFinite && bytes >= 0 && bytes < 9.0e18 ? Int(bytes) : nil
        }
        return Int(trimmed)
    }
}
