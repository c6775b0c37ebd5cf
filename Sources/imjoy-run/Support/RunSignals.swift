import Dispatch
import Foundation
import ImJoyEngine
import Synchronization

/// SIGINT/SIGTERM during a run: the first cancels the run (plugin processes stopped, no new call
/// started, the items done so far recorded; the command then exits 128 + the signal); a second
/// one exits at once.
struct RunSignals {
    private let sources: [DispatchSourceSignal]

    static func install(cancelling run: WorkflowRun) -> RunSignals {
        let seen = SignalCount()
        var sources: [DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                guard seen.increment() == 1 else {
                    PluginHosts.terminateAll(grace: 0)
                    exit(128 + number)
                }
                FileHandle.standardError.write(Data("imjoy-run: stopping the run and its plugin processes (signal \(number))\n".utf8))
                run.cancel(.signal(number))
            }
            source.resume()
            sources.append(source)
        }
        return RunSignals(sources: sources)
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}

/// How many signals arrived.
private final class SignalCount: Sendable {
    private let count = Mutex(0)
    func increment() -> Int {
        count.withLock {
            $0 += 1
            return $0
        }
    }
}
