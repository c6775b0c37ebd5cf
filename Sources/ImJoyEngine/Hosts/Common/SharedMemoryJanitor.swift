import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The `/dev/shm` segments of plugin calls: the runner's (`imjoy-run-<runner pid>-<host pid>-…`)
/// and the hosts' (`imjoy-run-py-<host pid>-…`, `imjoy-run-js-<host pid>-…`).
///
/// A runner killed with SIGKILL (or a host killed with it) cannot remove its segments; the next
/// run reclaims them (``reclaimStale(directory:)``): a segment is stale when the process its name
/// names is gone, or when the process with that id started after the segment was last changed
/// (the id was reused by another process).
enum SharedMemoryJanitor {
    /// This runner's segment prefix (`imjoy-run-<pid>`; a host's pid and a serial follow).
    static var runnerPrefix: String { "imjoy-run-\(getpid())" }

    /// Removes the segments whose names start with one of `prefixes`.
    static func remove(prefixes: [String], directory: String = "/dev/shm") {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where prefixes.contains(where: name.hasPrefix) { unlink(directory + "/" + name) }
    }

    /// Removes this user's segments of runners and hosts that are no longer running.
    ///
    /// - Returns: the names removed.
    @discardableResult
    static func reclaimStale(directory: String = "/dev/shm") -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var removed: [String] = []
        for name in names {
            guard let owner = owner(of: name) else { continue }
            let path = directory + "/" + name
            var info = stat()
            guard stat(path, &info) == 0, info.st_uid == getuid() else { continue }
            let changed = Double(info.st_ctim.tv_sec) + Double(info.st_ctim.tv_nsec) / 1e9
            if isStale(owner: owner, segmentChanged: changed), unlink(path) == 0 { removed.append(name) }
        }
        return removed
    }

    /// The pid a segment name names: the runner's for `imjoy-run-<pid>-…`, the host's for
    /// `imjoy-run-py-<pid>-…` and `imjoy-run-js-<pid>-…`; `nil` for other files.
    static func owner(of name: String) -> pid_t? {
        guard name.hasPrefix("imjoy-run-") else { return nil }
        var rest = name.dropFirst("imjoy-run-".count)
        for runtime in HostRuntime.allCases {
            let tag = runtime.hostSegmentPrefix.dropFirst("imjoy-run-".count)
            if rest.hasPrefix(tag) {
                rest = rest.dropFirst(tag.count)
                break
            }
        }
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, rest.dropFirst(digits.count).first == "-", let pid = pid_t(digits), pid > 0 else { return nil }
        return pid
    }

    /// Whether the segment's owner `pid` is gone: no such process, or one that started after the
    /// segment last changed (its id was reused).
    static func isStale(owner pid: pid_t, segmentChanged: Double) -> Bool {
        if kill(pid, 0) != 0 && errno == ESRCH { return true }
        guard let started = startTime(of: pid) else { return false }
        return started > segmentChanged + 0.05
    }

    /// When process `pid` started (seconds since the epoch), from `/proc/<pid>/stat`.
    static func startTime(of pid: pid_t) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        // Fields after "(comm)": state is field 3; starttime is field 22.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let ticks = Double(fields[19]) else { return nil }
        var realtime = timespec()
        var boottime = timespec()
        clock_gettime(CLOCK_REALTIME, &realtime)
        clock_gettime(CLOCK_BOOTTIME, &boottime)
        let boot = (Double(realtime.tv_sec) + Double(realtime.tv_nsec) / 1e9) - (Double(boottime.tv_sec) + Double(boottime.tv_nsec) / 1e9)
        return boot + ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
