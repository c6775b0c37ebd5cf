import Foundation

/// Every file write and network use of a checked plugin process, seen by `strace` (ptrace): the
/// process is started as `strace -ff -y -o DIR/t -e trace=%file,%network -- setpriv --pdeathsig
/// KILL -- INTERPRETER …` (`setpriv` kills the plugin when strace is killed, e.g. on a timeout).
/// strace writes one line per system call as it returns, so after a call has answered, its
/// calls are in the files; ``newEvents()`` reads what was added since the last time.
///
/// What it cannot see (docs/reproducibility.md): writes through memory maps of files opened
/// earlier, work of other processes the plugin talks to (a server, a daemon), the clock and
/// random numbers (no system call: the fresh-process comparison finds their effect on results),
/// changes to the process's own environment variables (no system call).
final class SyscallTrace {
    /// A write or network use, with the path or address.
    struct Event: Equatable {
        enum Kind: Equatable { case write, delete, network }
        var kind: Kind
        var subject: String
        var syscall: String
    }

    /// `strace` and `setpriv` can trace a child here (ptrace is allowed).
    static let isAvailable: Bool = {
        guard let strace = Subprocess.which("strace"), let setpriv = Subprocess.which("setpriv") else { return false }
        let result = try? Subprocess([strace, "-f", "-qq", "-o", "/dev/null", "--", setpriv, "--pdeathsig", "KILL", "--", "/bin/true"])
            .run()
        return result?.status == 0
    }()

    let folder: String
    private var offsets: [String: Int] = [:]
    private var partial: [String: String] = [:]

    init(folder: String) throws {
        self.folder = folder
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    /// `interpreter` run under the trace.
    func wrap(_ interpreter: [String]) -> [String] {
        [
            Subprocess.which("strace") ?? "strace", "-ff", "-qq", "-y", "-s", "4096", "-e", "trace=%file,%network", "-e", "signal=none",
            "-o", folder + "/t", "--", Subprocess.which("setpriv") ?? "setpriv", "--pdeathsig", "KILL", "--",
        ] + interpreter
    }

    /// The events traced since the last call (complete lines only), in file-name order.
    func newEvents() -> [Event] {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        var events: [Event] = []
        for name in files {
            let path = folder + "/" + name
            guard let handle = FileHandle(forReadingAtPath: path) else { continue }
            defer { try? handle.close() }
            try? handle.seek(toOffset: UInt64(offsets[name] ?? 0))
            let data = (try? handle.readToEnd()) ?? Data()
            offsets[name, default: 0] += data.count
            var text = (partial[name] ?? "") + String(decoding: data, as: UTF8.self)
            if let end = text.lastIndex(of: "\n") {
                partial[name] = String(text[text.index(after: end)...])
                text = String(text[...end])
            } else {
                partial[name] = text
                continue
            }
            for line in text.split(separator: "\n") { if let event = Self.parse(String(line)) { events.append(event) } }
        }
        return events
    }
}
