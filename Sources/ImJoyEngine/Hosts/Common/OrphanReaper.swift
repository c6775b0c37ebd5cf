import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Finds, kills and reaps the processes a plugin left behind outside its process group.
///
/// A host leads a process group that is killed with it, but a child that calls `setsid()` (or a
/// daemon made by a double fork) leaves the group. The runner is therefore a *child subreaper*
/// (`PR_SET_CHILD_SUBREAPER`): such descendants are re-parented to it instead of to init, where
/// it can see them. Each host gets a token in its environment (``tokenVariable``), inherited by
/// whatever the plugin starts; when a host ends, and at the end of a run, the children of the
/// runner that carry the token of a host that has ended (or belong to its process group) are
/// sent SIGTERM, SIGKILL after ``grace`` seconds, and reaped.
///
/// Only processes so identified are signalled or waited for: the runner's other children (git,
/// conda, strace, Slurm commands, anything `Process` starts, whose reaping Foundation does with
/// `waitpid` on their own pid) carry no token and keep their own process group, so they are
/// never touched. A descendant of one of those that is re-parented to the runner is left alone
/// too (init reaps it when the runner exits).
enum OrphanReaper {
    /// The environment variable that ties a plugin's descendants to their host:
    /// `<runner pid>.<host number>`.
    static let tokenVariable = "IMJOY_RUN_HOST_TOKEN"
    /// Seconds between SIGTERM and SIGKILL.
    static let grace = 0.5

    /// The tokens of hosts not ended yet, the processes killed but not reaped yet, whether the
    /// runner is a subreaper. One lock for all: a sweep runs alone.
    private struct State {
        var nextHost = 0
        var liveTokens: Set<String> = []
        var killedNotReaped: Set<pid_t> = []
        var isSubreaper = false
    }

    private static let state = Mutex(State())

    /// Makes the runner a child subreaper (once); `false` when the kernel refuses.
    @discardableResult
    static func becomeSubreaper() -> Bool {
        state.withLock { state in
            if !state.isSubreaper, let prctl = systemPrctl { state.isSubreaper = prctl(setChildSubreaper, 1, 0, 0, 0) == 0 }
            return state.isSubreaper
        }
    }

    /// Whether the runner is a child subreaper (asked of the kernel: `PR_GET_CHILD_SUBREAPER`).
    static var isSubreaper: Bool {
        var value: Int32 = 0
        guard let prctl = systemPrctl else { return false }
        let result = withUnsafeMutablePointer(to: &value) { prctl(getChildSubreaper, UInt(bitPattern: Int(bitPattern: $0)), 0, 0, 0) }
        return result == 0 && value != 0
    }

    /// A new host's token, live until ``hostEnded(token:processGroup:)``.
    static func newToken() -> String {
        state.withLock { state in
            state.nextHost += 1
            let token = "\(getpid()).\(state.nextHost)"
            state.liveTokens.insert(token)
            return token
        }
    }

    /// Drops the token of a host that never started.
    static func forget(_ token: String) {
        _ = state.withLock { $0.liveTokens.remove(token) }
    }

    /// Kills and reaps the runner's children that the host with `token` and process group
    /// `processGroup` left. Call it after killing the group and before reaping the host (its
    /// zombie keeps the group id from being reused).
    static func hostEnded(token: String, processGroup: pid_t) {
        state.withLock { state in
            state.liveTokens.remove(token)
            sweep(&state) { candidate in
                candidate.pid != processGroup && (candidate.processGroup == processGroup || candidate.token == token)
            }
        }
    }

    /// Kills and reaps every child of the runner that carries the token of a host that has ended
    /// (the end of a run).
    static func sweepEndedHosts() {
        let prefix = "\(getpid())."
        state.withLock { state in
            let live = state.liveTokens
            sweep(&state) { candidate in
                guard let token = candidate.token else { return false }
                return token.hasPrefix(prefix) && !live.contains(token)
            }
        }
    }

    /// Rounds of find, SIGTERM, grace, SIGKILL, reap: killing an orphan re-parents its own
    /// children to the runner, the next round finds them.
    private static func sweep(_ state: inout State, matching isOrphan: (Candidate) -> Bool) {
        for _ in 0..<16 {
            reapKilled(&state, waiting: 0)
            let orphans = children().filter(isOrphan).map(\.pid)
            guard !orphans.isEmpty else { return }
            for pid in orphans { _ = kill(pid, SIGTERM) }
            state.killedNotReaped.formUnion(orphans)
            reapKilled(&state, waiting: grace)
            for pid in state.killedNotReaped { _ = kill(pid, SIGKILL) }
            reapKilled(&state, waiting: 2)
        }
    }

    /// Reaps the killed orphans that have exited, waiting up to `seconds` for all of them.
    /// Only these pids are waited for: each is the runner's child and unreaped, so its id is ours.
    private static func reapKilled(_ state: inout State, waiting seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            for pid in state.killedNotReaped {
                var status: Int32 = 0
                let result = waitpid(pid, &status, WNOHANG)
                if result == pid || (result < 0 && errno == ECHILD) { state.killedNotReaped.remove(pid) }
            }
            if state.killedNotReaped.isEmpty || Date() >= deadline { return }
            usleep(10_000)
        }
    }

    /// A child of the runner, from `/proc/<pid>/stat` and `/proc/<pid>/environ`.
    struct Candidate {
        var pid: pid_t
        var processGroup: pid_t
        /// The host token in its environment (`nil` when absent or unreadable, as for a zombie).
        var token: String?
    }

    /// The runner's children (processes whose parent is the runner).
    static func children() -> [Candidate] {
        let runner = getpid()
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { entry in
            guard let pid = pid_t(entry), pid != runner, let stat = statFields(pid), stat.parent == runner else { return nil }
            return Candidate(pid: pid, processGroup: stat.group, token: token(of: pid))
        }
    }

    /// The parent and process group from `/proc/<pid>/stat` (fields 4 and 5, after the command
    /// name in parentheses, which may itself contain spaces and parentheses).
    static func statFields(_ pid: pid_t) -> (parent: pid_t, group: pid_t)? {
        guard let bytes = readProcFile("/proc/\(pid)/stat", limit: 4096) else { return nil }
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "))
        guard fields.count > 3, let parent = pid_t(String(decoding: fields[1], as: UTF8.self)),
            let group = pid_t(String(decoding: fields[2], as: UTF8.self))
        else { return nil }
        return (parent, group)
    }

    /// The value of ``tokenVariable`` in the initial environment of `pid`.
    static func token(of pid: pid_t) -> String? {
        guard let bytes = readProcFile("/proc/\(pid)/environ", limit: 4 << 20) else { return nil }
        let prefix = Array((tokenVariable + "=").utf8)
        for entry in bytes.split(separator: 0) where entry.starts(with: prefix) {
            return String(decoding: entry.dropFirst(prefix.count), as: UTF8.self)
        }
        return nil
    }

    // glibc's `prctl` is variadic, so Swift does not import it (nor the `PR_*` constants of
    // <linux/prctl.h>): it is called through a fixed prototype with five integer arguments, which
    // the Linux calling conventions (x86-64, arm64) pass exactly as the variadic call would.
    private typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
    private static let setChildSubreaper: Int32 = 36
    private static let getChildSubreaper: Int32 = 37
    private static let systemPrctl: Prctl? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "prctl").map {
        unsafeBitCast($0, to: Prctl.self)
    }

    /// Up to `limit` bytes of a `/proc` file (`nil` when it cannot be opened: the process is gone).
    private static func readProcFile(_ path: String, limit: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        while bytes.count < limit {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return bytes
    }
}
