/// What `verify` found: each output on disk against the manifest, each output of the rerun
/// against the manifest, and notes (changed inputs, a failed rerun, the kept folder).
public struct RunVerificationReport: Sendable {
    public enum Status: String, Sendable {
        /// The same SHA-256 as recorded.
        case identical
        /// On disk: the file's content differs from the manifest.
        case changed
        /// On disk or in the rerun: no such file.
        case missing
        /// In the rerun: the output came out with another SHA-256.
        case different
        /// In the rerun: an output the manifest does not list.
        case unlisted
    }

    public struct Finding: Sendable, Equatable {
        public var status: Status
        /// Relative to the out dir.
        public var path: String
        public var recorded: String?
        public var now: String?
    }

    /// The on-disk check of every recorded output.
    public var onDisk: [Finding] = []
    /// The rerun's comparison; empty without a rerun.
    public var rerun: [Finding] = []
    public var notes: [String] = []
    /// The rerun could not run (the workflow did not load, a plugin could not start).
    public var rerunFailed = false
    /// The rerun's folder, when kept.
    public var keptFolder: String?

    /// Findings that are not `identical`, plus a failed rerun.
    public var differences: Int {
        (onDisk + rerun).filter { $0.status != .identical }.count + (rerunFailed ? 1 : 0)
    }

    /// 0 when everything is identical, else 1 (an unreadable manifest is 2, thrown before).
    public var exitCode: Int32 { differences == 0 ? 0 : 1 }

    /// The report, one line per finding (on disk: only the problems).
    public var text: String {
        var lines = notes
        for finding in onDisk where finding.status != .identical {
            let detail = finding.now.map { "recorded \(finding.recorded?.prefix(12) ?? ""), now \($0.prefix(12))" } ?? "not on disk"
            lines.append(
                "\(finding.status.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(finding.path)  (on disk: \(detail))")
        }
        let diskIdentical = onDisk.filter { $0.status == .identical }.count
        lines.append("on disk: \(diskIdentical) identical, \(onDisk.count - diskIdentical) changed or missing")
        for finding in rerun { lines.append(Self.line(finding)) }
        if let keptFolder { lines.append("rerun kept in \(keptFolder)") }
        let identical = rerun.isEmpty ? diskIdentical : rerun.filter { $0.status == .identical }.count
        lines.append("\(identical) identical, \(differences) different or missing")
        return lines.joined(separator: "\n")
    }

    private static func line(_ finding: Finding) -> String {
        let name = finding.status.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
        switch finding.status {
        case .different:
            return "\(name) \(finding.path)  (recorded \(finding.recorded?.prefix(12) ?? ""), now \(finding.now?.prefix(12) ?? ""))"
        case .unlisted: return "\(name) \(finding.path)  (made by the rerun, not in the manifest)"
        default: return "\(name) \(finding.path)"
        }
    }
}
