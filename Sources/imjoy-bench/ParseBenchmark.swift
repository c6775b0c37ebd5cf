enum ParseBenchmark {
    static func run(_ arguments: [String]) throws {}
}
