import Foundation
import ImJoySchema
import Testing

@Suite("JSONSchema: concurrency")
struct ConcurrencyTests {
    /// Results written by several threads.
    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [Int: (valid: Int, errors: Int)] = [:]

        func record(_ thread: Int, valid: Int, errors: Int) {
            lock.withLock { values[thread] = (valid, errors) }
        }

        var all: [Int: (valid: Int, errors: Int)] { lock.withLock { values } }
    }

    @Test func oneCompiledSchemaFromEightThreads() throws {
        let schema = try JSONSchema([
            "type": "object",
            "required": ["id", "name"],
            "properties": [
                "id": ["type": "integer", "minimum": 0],
                "name": ["type": "string", "pattern": "^[a-z]+$"],
                "children": ["type": "array", "items": ["$ref": "#"]],
            ],
        ])
        let instances: [JSONValue] = (0..<400).map { index in
            let name: JSONValue = index % 4 == 0 ? "Bad Name" : "cell"
            return ["id": .integer(Int64(index)), "name": name, "children": [["id": 1, "name": "child"]]]
        }
        let expectedValid = instances.filter { $0["name"] == "cell" }.count
        let results = Results()
        let group = DispatchGroup()
        for thread in 0..<8 {
            group.enter()
            let worker = Thread {
                var valid = 0
                var errors = 0
                for _ in 0..<5 {
                    for instance in instances {
                        let result = schema.validate(instance)
                        if result.isValid { valid += 1 }
                        errors += result.errors.count
                        #expect(result.isValid == schema.isValid(instance))
                    }
                }
                results.record(thread, valid: valid, errors: errors)
                group.leave()
            }
            worker.start()
        }
        group.wait()
        let all = results.all
        #expect(all.count == 8)
        for (_, outcome) in all {
            #expect(outcome.valid == expectedValid * 5)
            #expect(outcome.errors == (instances.count - expectedValid) * 5)
        }
    }

    @Test func theDepthLimitFitsInASmallThreadStack() throws {
        // {"$ref": "#"} recurses until ValidationOptions.maximumDepth; that must fit in 512 KiB
        // (a Dispatch worker's stack) even in debug builds.
        let schema = try JSONSchema(["definitions": ["a": ["allOf": [["$ref": "#/definitions/a"]]]], "$ref": "#/definitions/a"])
        let results = Results()
        let done = DispatchSemaphore(value: 0)
        let worker = Thread {
            let result = schema.validate(["x": 1])
            results.record(0, valid: result.isValid ? 1 : 0, errors: result.errors.count)
            done.signal()
        }
        worker.stackSize = 512 * 1024
        worker.start()
        done.wait()
        #expect(results.all[0]?.valid == 0)
        #expect(results.all[0]?.errors == 1)
    }
}
