import Foundation
import ImJoySchema
import Testing

@testable import ImageIO

@Suite("NDArray")
struct NDArrayTests {
    @Test("dtype names and sizes follow numpy")
    func dtypes() {
        #expect(
            DType.allCases.map(\.rawValue) == [
                "bool", "uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64", "float16", "float32", "float64",
            ])
        #expect(DType.allCases.map(\.byteSize) == [1, 1, 2, 4, 8, 1, 2, 4, 8, 2, 4, 8])
    }

    @Test("typed access, subscripts and copy-on-write")
    func copyOnWrite() throws {
        var a = try NDArray(shape: [2, 3], elements: [UInt16(1), 2, 3, 4, 5, 6])
        let b = a
        #expect(a.storage === b.storage)
        a[1, 2] = .unsigned(60)
        #expect(a.storage !== b.storage, "mutation copied the shared storage")
        #expect(try a.elements(as: UInt16.self) == [1, 2, 3, 4, 5, 60])
        #expect(try b.elements(as: UInt16.self) == [1, 2, 3, 4, 5, 6])
        #expect(b[0, 1] == .unsigned(2))
        #expect(throws: NDArrayError.self) { try a.elements(as: Float.self) }
        try a.withUnsafeMutableBufferPointer(as: UInt16.self) { $0[0] = 9 }
        #expect(a[flat: 0] == .unsigned(9))
    }

    @Test("large buffers are 2 MiB aligned")
    func hugePageAlignment() throws {
        let a = try NDArray(zeros: [3 << 20], dtype: .uint8)
        #expect(UInt(bitPattern: a.storage.baseAddress) % UInt(NDArrayStorage.hugePageSize) == 0)
        #expect(a.withUnsafeBytes { $0.allSatisfy { $0 == 0 } })
    }

    @Test("absurd and invalid shapes are refused")
    func shapes() {
        #expect(throws: NDArrayError.self) { try NDArray(zeros: [-1, 3], dtype: .uint8) }
        #expect(throws: NDArrayError.self) { try NDArray(zeros: [Int.max / 2, 4], dtype: .uint16) }
        #expect(throws: NDArrayError.self) { try NDArray(zeros: [1 << 20, 1 << 20], dtype: .uint8, limit: 1 << 30) }
        #expect(throws: NDArrayError.self) { try NDArray(zeros: [4], dtype: .uint8).reshaped([3]) }
    }

    @Test("dtype conversion like numpy astype")
    func conversion() throws {
        let a = try NDArray(shape: [5], elements: [-1.7, 0, 2.9, 300, .nan])
        #expect(try a.converted(to: .int16).elements(as: Int16.self) == [-1, 0, 2, 300, 0])
        #expect(try a.converted(to: .uint8).elements(as: UInt8.self) == [255, 0, 2, 44, 0])
        #expect(try a.converted(to: .bool).elements(as: Bool.self) == [true, false, true, true, true])
        let b = try NDArray(shape: [3], elements: [Int64.max, -2, 7])
        #expect(try b.converted(to: .uint64).elements(as: UInt64.self) == [UInt64(Int64.max), UInt64.max - 1, 7])
        #expect(try b.converted(to: .float32).elements(as: Float.self) == [Float(Int64.max), -2, 7])
    }

    @Test("imjoy-rpc dict references the storage and decodes bytes or base64")
    func rpc() throws {
        let a = try NDArray(shape: [2, 2], elements: [Int32(-1), 2, 3, 4])
        let value = a.rpcValue
        #expect(value["_rtype"]?.stringValue == "ndarray")
        #expect(value["_rdtype"]?.stringValue == "int32")
        #expect(value["_rshape"]?.arrayValue?.compactMap(\.intValue) == [2, 2])
        let bytes = try #require(value["_rvalue"]?.bytesValue)
        #expect(bytes.storage === a.storage, "no copy")
        let back = try NDArray(rpcValue: value)
        #expect(back == a)
        #expect(back.storage === a.storage)

        var object = try #require(value.objectValue)
        object["_rvalue"] = .string(bytes.base64EncodedString())
        #expect(try NDArray(rpcValue: .object(object)) == a)
        object["_rshape"] = .array([.integer(3)])
        #expect(throws: NDArrayError.self) { try NDArray(rpcValue: .object(object)) }
        object["_rdtype"] = .string("complex64")
        #expect(throws: NDArrayError.self) { try NDArray(rpcValue: .object(object)) }
    }

    @Test("shared memory arrays map the same pages")
    func sharedMemory() throws {
        let name = "imjoy-run-test-\(UUID().uuidString)"
        var a = try NDArray.createShared(name: name, shape: [4, 4], dtype: .float32)
        defer { a.storage.unlinkSharedMemory() }
        #expect(a.storage.sharedMemoryPath == "/dev/shm/\(name)")
        try a.withUnsafeMutableBufferPointer(as: Float.self) { $0[5] = 2.5 }
        let b = try NDArray.openShared(name: name, shape: [4, 4], dtype: .float32)
        #expect(b[1, 1] == .real(2.5))
        #expect(throws: NDArrayError.self) { try NDArray.openShared(name: name, shape: [100, 100], dtype: .float32) }
        #expect(throws: NDArrayError.self) { try NDArray.createShared(name: name, shape: [1], dtype: .uint8) }
        #expect(throws: NDArrayError.self) { try NDArray.createShared(name: "../etc", shape: [1], dtype: .uint8) }
    }
}
