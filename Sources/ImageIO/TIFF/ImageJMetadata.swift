/// The ImageJ hyperstack description (`ImageJ=…\nimages=…\nchannels=…`) that Fiji reads from the
/// first page's ImageDescription.
///
/// Pages are stored in TZC order (channel fastest), so a stack of `frames × slices × channels`
/// pages is the C-order array `[frames, slices, channels, height, width]`.
public struct ImageJMetadata: Sendable, Equatable {
    /// The total number of pages.
    public var images: Int
    /// Channels (C), 1 when absent.
    public var channels: Int
    /// Z slices, 1 when absent.
    public var slices: Int
    /// Time frames (T), 1 when absent.
    public var frames: Int
    /// Whether Fiji should open the stack as a hyperstack.
    public var hyperstack: Bool
    /// Other `key=value` lines, in file order.
    public var otherFields: [(key: String, value: String)]

    /// The version tifffile writes; ImageJ only checks that the key exists.
    public static let version = "1.11a"

    public init(
        images: Int, channels: Int = 1, slices: Int = 1, frames: Int = 1, hyperstack: Bool = true,
        otherFields: [(key: String, value: String)] = []
    ) {
        self.images = images
        self.channels = channels
        self.slices = slices
        self.frames = frames
        self.hyperstack = hyperstack
        self.otherFields = otherFields
    }

    /// Metadata for an array whose leading dimensions (before height, width) are, right-aligned,
    /// frames, slices and channels — the axes tifffile assigns with `imagej=True`.
    ///
    /// Returns `nil` for ranks outside 2...5.
    public init?(shape: [Int]) {
        guard (2...5).contains(shape.count) else { return nil }
        let leading = Array(shape.dropLast(2))
        let padded = Array(repeating: 1, count: 3 - leading.count) + leading
        self.init(images: leading.reduce(1, *), channels: padded[2], slices: padded[1], frames: padded[0])
    }

    /// Parses an ImageDescription; `nil` unless it starts with `ImageJ=`.
    public init?(description text: String) {
        guard text.hasPrefix("ImageJ=") else { return nil }
        var fields: [(String, String)] = []
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\0" }) {
            guard let eq = line.firstIndex(of: "=") else { continue }
            fields.append((String(line[..<eq]), String(line[line.index(after: eq)...])))
        }
        func int(_ key: String) -> Int? { fields.first { $0.0 == key }.flatMap { Int($0.1) } }
        let known: Set<String> = ["ImageJ", "images", "channels", "slices", "frames", "hyperstack"]
        self.init(
            images: max(int("images") ?? 1, 1), channels: max(int("channels") ?? 1, 1), slices: max(int("slices") ?? 1, 1),
            frames: max(int("frames") ?? 1, 1), hyperstack: fields.first { $0.0 == "hyperstack" }?.1 == "true",
            otherFields: fields.filter { !known.contains($0.0) }.map { (key: $0.0, value: $0.1) })
    }

    /// The ImageDescription text, in tifffile's field order.
    public var descriptionText: String {
        var lines = ["ImageJ=\(Self.version)", "images=\(images)"]
        if channels > 1 { lines.append("channels=\(channels)") }
        if slices > 1 { lines.append("slices=\(slices)") }
        if frames > 1 { lines.append("frames=\(frames)") }
        if hyperstack { lines.append("hyperstack=true") }
        var others = otherFields
        if channels > 1, !others.contains(where: { $0.key == "mode" }) { others.append((key: "mode", value: "grayscale")) }
        if frames > 1, !others.contains(where: { $0.key == "loop" }) { others.append((key: "loop", value: "false")) }
        lines += others.map { "\($0.key)=\($0.value)" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The leading array dimensions (frames, slices, channels, dropping extents of 1).
    public var leadingShape: [Int] { [frames, slices, channels].filter { $0 > 1 } }

    public static func == (lhs: ImageJMetadata, rhs: ImageJMetadata) -> Bool {
        lhs.images == rhs.images && lhs.channels == rhs.channels && lhs.slices == rhs.slices && lhs.frames == rhs.frames
            && lhs.hyperstack == rhs.hyperstack && lhs.otherFields.elementsEqual(rhs.otherFields, by: { $0 == $1 })
    }
}
