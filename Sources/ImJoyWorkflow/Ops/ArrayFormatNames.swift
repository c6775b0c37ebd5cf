/// The array formats' names as workflows write them (`output.format`), for the loader, which
/// does not link ImageIO. They are the names in ImageIO's `ArrayFormatRegistry.standard`; a test
/// in ImJoyEngineTests keeps the two lists equal, so registering a format means adding its name here.
public enum ArrayFormatNames {
    /// The formats' names, in registry order.
    public static let all = ["tiff", "hdf5", "zarr"]

    /// Why `name` is not a valid `output.format`, or `nil` when it is one of ``all``.
    public static func problem(with name: String) -> String? {
        guard !all.contains(name) else { return nil }
        let hint =
            name.lowercased() == "json"
            ? " (results that are not arrays are always written as JSON; output.format chooses the file format of arrays)"
            : ""
        let choices = all.dropLast().joined(separator: ", ") + " or " + all[all.count - 1]
        return "must be \(choices), not '\(name)'\(hint)"
    }
}
