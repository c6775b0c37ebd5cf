import Foundation
import Testing

@testable import ImJoyEngine

/// The one way imjoy-run runs short commands: both pipes drained together.
@Suite struct SubprocessTests {
    @Test func aCommandFillingStderrBeforeStdoutDoesNotDeadlock() throws {
        // 4 MiB to stderr first, then to stdout: reading stdout to the end first would block
        // the command on a full stderr pipe forever.
        let script = "head -c 4194304 /dev/zero >&2; head -c 4194304 /dev/zero; echo done >&2"
        let result = try Subprocess(["/bin/sh", "-c", script]).run()
        #expect(result.succeeded)
        #expect(result.standardOutput.count == 4 << 20)
        #expect(result.standardError.count == (4 << 20) + 5)
    }

    @Test func statusAndMissingPrograms() throws {
        #expect(try Subprocess(["/bin/sh", "-c", "echo out; echo err >&2; exit 3"]).run().status == 3)
        let both = try Subprocess(["/bin/sh", "-c", "echo out; echo err >&2"]).run()
        #expect(both.outputText == "out" && both.errorText == "err")
        #expect(throws: Subprocess.LaunchError.self) { try Subprocess(["imjoy-run-no-such-program"]).run() }
        #expect(Subprocess.which("sh", path: "/nonexistent:/bin") == "/bin/sh")
    }
}
