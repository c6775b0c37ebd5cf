import Foundation
import ImJoySchema

/// What a plugin's result depends on besides its code and data: the runtime it runs on.
/// Part of every plugin op's cache key (a change is a miss, explained: "python changed 3.11.7 →
/// 3.11.2") and recorded in provenance.
///
/// Made by ``RuntimeIdentity/probe(command:runtime:hostProgram:environment:cacheDirectory:)``,
/// which runs the interpreter once per environment (remembered in the process, and on disk
/// while the interpreter and its package folders are unchanged).
public struct RuntimeIdentity: Codable, Equatable, Hashable, Sendable {
    /// `python` or `node`.
    public var runtime: String
    /// The interpreter's real path (`sys.executable`, or Node.js's `process.execPath`).
    public var interpreter: String
    /// `3.11.2`, `v18.19.0`.
    public var version: String
    /// SHA-256 of the sorted `name==version` lines of the installed distributions (Python);
    /// `nil` where the runtime has no package set (Node.js plugins load their requirements by URL).
    public var packages: String?
    /// How many distributions the package hash covers.
    public var packageCount: Int?
    /// SHA-256 of the host program (`imjoy_host.py`, `imjoy_host.js`) and the runner's version.
    public var host: String

    public init(runtime: String, interpreter: String, version: String, packages: String? = nil, packageCount: Int? = nil, host: String) {
        self.runtime = runtime
        self.interpreter = interpreter
        self.version = version
        self.packages = packages
        self.packageCount = packageCount
        self.host = host
    }

    /// The identity's part of a cache key.
    var keyText: String {
        "\(runtime) \(interpreter) \(version) packages \(packages ?? "-") host \(host)"
    }

    /// The identity as provenance records it.
    public var jsonValue: JSONValue {
        var object: JSONObject = [
            "runtime": .string(runtime), "interpreter": .string(interpreter), "version": .string(version),
            "host_sha256": .string(host),
        ]
        if let packages { object["packages_sha256"] = .string(packages) }
        if let packageCount { object["packages"] = .integer(Int64(packageCount)) }
        return .object(object)
    }

    /// What changed between two identities, one phrase each, for the rerun explanation.
    static func changes(from old: RuntimeIdentity?, to new: RuntimeIdentity?) -> [String] {
        guard let old, let new else {
            return [new == nil ? "runtime no longer identified" : "runtime now identified (\(new!.runtime) \(new!.version))"]
        }
        var reasons: [String] = []
        if old.runtime != new.runtime { reasons.append("runtime changed \(old.runtime) → \(new.runtime)") }
        if old.version != new.version { reasons.append("\(new.runtime) changed \(old.version) → \(new.version)") }
        if old.interpreter != new.interpreter {
            reasons.append("\(new.runtime) interpreter changed \(old.interpreter) → \(new.interpreter)")
        }
        if old.packages != new.packages {
            let counts = (old.packageCount, new.packageCount)
            let detail = counts.0 != counts.1 ? " (\(counts.0 ?? 0) → \(counts.1 ?? 0) distributions)" : ""
            reasons.append("\(new.runtime) packages changed\(detail)")
        }
        if old.host != new.host { reasons.append("plugin host program changed") }
        return reasons.isEmpty ? ["runtime changed"] : reasons
    }
}
