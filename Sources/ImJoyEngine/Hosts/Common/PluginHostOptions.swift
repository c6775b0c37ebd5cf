/// Options of the plugin hosts of a run: one group per runtime, and what they share.
public struct PluginHostOptions: Sendable {
    /// The Python host: `--python`, prepared environments.
    public var python: PythonHostOptions
    /// The JavaScript host: Node.js and the script cache, for web-worker plugins.
    public var javascript: JavaScriptHostOptions
    /// The run's state folder (plugin logs, `setConfig` values, WORK_DIR).
    public var stateDirectory: String
    /// The pool size of functional plugins (`--jobs`).
    public var jobs: Int
    /// Receives the plugins' output lines and api messages (``RunObserver/pluginEvents(_:)``);
    /// they also go to each plugin's log.
    public var observer: (any RunObserver)?

    public init(
        python: PythonHostOptions = PythonHostOptions(), javascript: JavaScriptHostOptions = JavaScriptHostOptions(),
        stateDirectory: String = "out/.imjoy-run", jobs: Int = RunOptions.defaultJobs(), observer: (any RunObserver)? = nil
    ) {
        self.python = python
        self.javascript = javascript
        self.stateDirectory = stateDirectory
        self.jobs = max(1, jobs)
        self.observer = observer
    }

    /// The options under their former, Python-named labels.
    public init(
        interpreter: String? = nil, stateDirectory: String = "out/.imjoy-run",
        environmentCache: String = PythonEnvironment.defaultCacheRoot(), jobs: Int = RunOptions.defaultJobs(),
        javascript: JavaScriptHostOptions = JavaScriptHostOptions(),
        observer: (any RunObserver)? = nil
    ) {
        self.init(
            python: PythonHostOptions(interpreter: interpreter, environmentCache: environmentCache), javascript: javascript,
            stateDirectory: stateDirectory, jobs: jobs, observer: observer)
    }
}
