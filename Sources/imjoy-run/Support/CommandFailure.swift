import ArgumentParser
import Foundation

/// Prints `message` as one line to standard error, prefixed with `imjoy-run: error:`.
func printError(_ message: String) {
    let line = "imjoy-run: error: " + message.replacingOccurrences(of: "\n", with: " ") + "\n"
    FileHandle.standardError.write(Data(line.utf8))
}

/// Prints `message` as one line to standard error, prefixed with `imjoy-run: warning:`.
func printWarning(_ message: String) {
    let line = "imjoy-run: warning: " + message.replacingOccurrences(of: "\n", with: " ") + "\n"
    FileHandle.standardError.write(Data(line.utf8))
}

/// The exit code the CLI uses for invalid input (a malformed plugin, workflow or schema) and usage.
extension ExitCode {
    static let invalidInput = ExitCode(2)
    static let someFailed = ExitCode(1)
}

/// Runs `body`; any error is printed as one line and turned into exit code 2.
func withInputErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ExitCode {
        throw error
    } catch {
        printError("\(error)")
        throw ExitCode.invalidInput
    }
}
