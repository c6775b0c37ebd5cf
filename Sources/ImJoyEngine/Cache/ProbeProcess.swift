import Foundation

/// Runs a short command and returns its output, stdout and stderr drained together through one
/// pipe (no deadlock on a full stderr), ending it after `timeout` seconds.
enum ProbeProcess {
    static func run(_ command: [String], environment: [String: String]?, timeout: Double = 60)
        throws(RuntimeIdentity.ProbeError) -> String
    {
        guard let executable = command.first else { throw RuntimeIdentity.ProbeError(command: command, reason: "empty command") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(command.dropFirst())
        if let environment { process.environment = environment }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw RuntimeIdentity.ProbeError(command: command, reason: "\(error)")
        }
        let timer = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        timer.cancel()
        let output = String(decoding: data, as: UTF8.self)
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw RuntimeIdentity.ProbeError(
                command: command, reason: "exit status \(process.terminationStatus): \(output.suffix(300))")
        }
        return output
    }
}
