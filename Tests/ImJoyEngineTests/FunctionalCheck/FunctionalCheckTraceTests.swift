import Foundation
import ImJoySchema
import TestSupport
import Testing

@testable import ImJoyEngine

/// What only the system-call trace (strace) sees: writes anywhere, network use; and what only
/// the fresh-process comparison sees: the clock. Each fixture's result is otherwise pure.
@Suite(.serialized, .enabled(if: RunTestConditions.pythonWithNumpy, "needs python3 with numpy"))
struct FunctionalCheckTraceTests {

    static func sideEffects(_ plugin: String, _ check: String) throws -> (FunctionalCheckReport, [String]) {
        let report = try FunctionalCheckTests.check(plugin)
        return (report, FunctionalCheckTests.violations(report, .sideEffect, check: check))
    }

    @Test(.enabled(if: SyscallTrace.isAvailable, "needs strace and setpriv, with ptrace allowed (apt strace; scripts/setup)"))
    func aWriteToTmpIsCaughtWithItsPath() throws {
        let (report, found) = try Self.sideEffects("WritesTmp", OpCheckSession.files)
        #expect(
            found.contains { $0.hasPrefix("side effect: call 1 on generated #1 wrote /tmp/imjoy-run-functional-fixture-") },
            "\(report.text)")
        #expect(found.contains { $0.contains("deleted /tmp/imjoy-run-functional-fixture-") } == false, "one report per path: \(found)")
        #expect(report.violations.allSatisfy { $0.kind == .sideEffect }, "\(report.text)")
    }

    @Test(.enabled(if: SyscallTrace.isAvailable, "needs strace and setpriv, with ptrace allowed (apt strace; scripts/setup)"))
    func aWriteToHomeIsCaughtWithItsPath() throws {
        let home = FileManager.default.homeDirectoryForCurrentUser.standardizedFileURL.path
        let (report, found) = try Self.sideEffects("WritesHome", OpCheckSession.files)
        #expect(found.contains { $0.contains("wrote \(home)/.imjoy-run-functional-fixture-") }, "\(report.text)")
    }

    @Test(.enabled(if: SyscallTrace.isAvailable, "needs strace and setpriv, with ptrace allowed (apt strace; scripts/setup)"))
    func aSocketIsCaughtWithItsAddress() throws {
        let (report, found) = try Self.sideEffects("OpensSocket", OpCheckSession.network)
        #expect(
            found.contains { $0.hasSuffix("used the network: socket(AF_INET,SOCK_STREAM|SOCK_CLOEXEC)") || $0.contains("socket(AF_INET") },
            "\(report.text)")
        #expect(found.contains { $0.hasSuffix("used the network: connect 127.0.0.1:9") }, "\(report.text)")
        #expect(FunctionalCheckTests.status(report, OpCheckSession.network) == .violated)
    }

    @Test func anEnvironmentChangeIsCaughtWithTheVariable() throws {
        let (report, found) = try Self.sideEffects("SetsEnvironment", OpCheckSession.environment)
        #expect(
            found.first
                == "side effect: call 1 on generated #1 changed the environment variable IMJOY_RUN_FIXTURE_CALLS: (unset) → IMJOY_RUN_FIXTURE_CALLS=1",
            "\(report.text)")
        #expect(FunctionalCheckTests.status(report, OpCheckSession.globals) == .passed, "not reported as a global: \(report.text)")
    }

    @Test func readingTheClockIsNondeterminism() throws {
        let report = try FunctionalCheckTests.check("ReadsClock")
        let found = FunctionalCheckTests.violations(report, .nondeterminism, check: OpCheckSession.fresh)
        #expect(!found.isEmpty && found.allSatisfy { $0.contains("at:") }, "\(report.text)")
    }

    @Test func aPurePluginTracedHasNoNetworkOrStrayWrite() throws {
        let report = try FunctionalCheckTests.check("Pure")
        #expect(report.violations.isEmpty, "\(report.text)")
        #expect(FunctionalCheckTests.status(report, OpCheckSession.network) == (SyscallTrace.isAvailable ? .passed : .skipped))
    }

    @Test func straceLinesBecomeEvents() {
        typealias Event = SyscallTrace.Event
        #expect(
            SyscallTrace.parse(#"openat(AT_FDCWD</w>, "a.txt", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0666) = 3</w/a.txt>"#)
                == Event(kind: .write, subject: "/w/a.txt", syscall: "openat"))
        #expect(SyscallTrace.parse(#"openat(AT_FDCWD</w>, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3</etc/passwd>"#) == nil)
        #expect(SyscallTrace.parse(#"openat(AT_FDCWD</w>, "/x", O_WRONLY|O_CREAT, 0666) = -1 EACCES (Permission denied)"#) == nil)
        #expect(SyscallTrace.parse(#"unlinkat(AT_FDCWD</w>, "b", 0) = 0"#) == Event(kind: .delete, subject: "/w/b", syscall: "unlinkat"))
        #expect(SyscallTrace.parse(#"mkdir("/tmp/d", 0777) = 0"#) == Event(kind: .write, subject: "/tmp/d", syscall: "mkdir"))
        #expect(
            SyscallTrace.parse(
                #"connect(3<socket:[1]>, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = 0"#
            )
                == Event(kind: .network, subject: "connect [::1]:443", syscall: "connect"))
        #expect(SyscallTrace.parse(#"socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0) = 3<socket:[2]>"#) == nil)
    }
}
