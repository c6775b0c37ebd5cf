/// Finds bytes that are not UTF-8, so that readers can refuse them instead of replacing them
/// with U+FFFD silently.
public enum UTF8Validation {
    /// The offset (0-based) of the first byte that does not start or continue a valid UTF-8
    /// sequence, or `nil` when all of `bytes` is UTF-8.
    public static func firstInvalidByteOffset(in bytes: some Collection<UInt8>) -> Int? {
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded): offset += encoded.count
            case .error: return offset
            case .emptyInput: return nil
            }
        }
    }
}
