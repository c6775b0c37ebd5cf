/// ImJoy's `compareVersions` (utils.js): dot-separated parts compared as integers, a missing or
/// non-numeric part counting as 0 (`parseInt` semantics: leading digits only).
public enum APIVersion {
    /// Compares two version strings: negative, zero or positive.
    public static func compare(_ lhs: String, _ rhs: String) -> Int {
        let a = parts(lhs)
        let b = parts(rhs)
        for i in 0..<max(a.count, b.count) {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            if x != y { return x < y ? -1 : 1 }
        }
        return 0
    }

    private static func parts(_ version: String) -> [Int] {
        version.split(separator: ".", omittingEmptySubsequences: false).map { part in
            // parseInt: optional leading spaces and sign, then leading digits; NaN → 0.
            let trimmed = part.drop { $0 == " " }
            var sign = 1
            var digits = Substring(trimmed)
            if digits.first == "-" {
                sign = -1
                digits = digits.dropFirst()
            } else if digits.first == "+" {
                digits = digits.dropFirst()
            }
            let numeric = digits.prefix { $0.isASCII && $0.isNumber }
            return (Int(numeric.prefix(18)) ?? 0) * sign
        }
    }
}
