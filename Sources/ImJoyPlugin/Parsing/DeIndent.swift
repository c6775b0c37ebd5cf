/// Removes the common indentation of a block's content, exactly as the `de-indent` package that
/// ImJoy's parser uses: only when the text starts with white space; one indent character kind,
/// taken from the first non-blank line (a space or a tab; any other first character leaves the
/// text unchanged); lines are re-joined with `\n`.
///
/// This matters for Python: a `<script lang="python">` indented inside the file runs de-indented.
public func deIndent(_ text: String) -> String {
    guard let first = text.utf8.first, isJavaScriptWhitespace(first) || first == 0x0A || first == 0x0D else {
        return text
    }
    let lines = splitLines(text)
    var indentByte: UInt8? = nil
    var minimum = Int.max
    for line in lines where !line.allSatisfy({ isJavaScriptWhitespace($0) }) {
        if let byte = indentByte {
            minimum = min(minimum, line.prefix { $0 == byte }.count)
        } else {
            let c = line[line.startIndex]
            guard c == 0x20 || c == 0x09 else { return text }
            indentByte = c
            minimum = line.prefix { $0 == c }.count
        }
    }
    var result = [UInt8]()
    result.reserveCapacity(text.utf8.count)
    for (i, line) in lines.enumerated() {
        if i > 0 { result.append(0x0A) }
        if minimum < line.count { result.append(contentsOf: line.dropFirst(minimum)) }
    }
    return String(decoding: result, as: UTF8.self)
}

/// Splits on `\r?\n` like JavaScript's `str.split(/\r?\n/g)`.
private func splitLines(_ text: String) -> [ArraySlice<UInt8>] {
    let bytes = Array(text.utf8)
    var lines: [ArraySlice<UInt8>] = []
    var start = 0
    var i = 0
    while i < bytes.count {
        if bytes[i] == 0x0A {
            let end = i > start && bytes[i - 1] == 0x0D ? i - 1 : i
            lines.append(bytes[start..<end])
            start = i + 1
        }
        i += 1
    }
    lines.append(bytes[start..<bytes.count])
    return lines
}

/// ASCII white space as JavaScript's `\s` sees it (non-ASCII spaces are rare in plugin files).
@inline(__always)
func isJavaScriptWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
}
