import CHDF5
import Foundation

/// Reads and writes attributes of an open object. Every function must run inside the HDF5 lock.
enum HDF5Attributes {
    // MARK: - Writing

    /// Creates (or replaces) attribute `name` on `object`; returns `false` on failure.
    static func write(_ value: HDF5AttributeValue, name: String, on object: hid_t) -> Bool {
        if H5Aexists(object, name) > 0 { _ = H5Adelete(object, name) }
        switch value {
        case .string(let text): return writeStrings([text], scalar: true, name: name, on: object)
        case .strings(let texts): return writeStrings(texts, scalar: false, name: name, on: object)
        case .integer(let v):
            return writeNumbers([v], scalar: true, file: CHDF5_H5T_STD_I64LE(), memory: CHDF5_H5T_NATIVE_INT64(), name: name, on: object)
        case .integers(let a):
            return writeNumbers(a, scalar: false, file: CHDF5_H5T_STD_I64LE(), memory: CHDF5_H5T_NATIVE_INT64(), name: name, on: object)
        case .number(let v):
            return writeNumbers([v], scalar: true, file: CHDF5_H5T_IEEE_F64LE(), memory: CHDF5_H5T_NATIVE_DOUBLE(), name: name, on: object)
        case .numbers(let a):
            return writeNumbers(a, scalar: false, file: CHDF5_H5T_IEEE_F64LE(), memory: CHDF5_H5T_NATIVE_DOUBLE(), name: name, on: object)
        }
    }

    private static func makeSpace(count: Int, scalar: Bool) -> hid_t {
        if scalar { return H5Screate(H5S_SCALAR) }
        var dims = [hsize_t(count)]
        return H5Screate_simple(1, &dims, nil)
    }

    private static func writeNumbers<T>(_ values: [T], scalar: Bool, file: hid_t, memory: hid_t, name: String, on object: hid_t) -> Bool {
        let space = makeSpace(count: values.count, scalar: scalar)
        defer { H5Sclose(space) }
        let attribute = H5Acreate2(object, name, file, space, CHDF5_H5P_DEFAULT(), CHDF5_H5P_DEFAULT())
        guard attribute >= 0 else { return false }
        defer { H5Aclose(attribute) }
        return values.withUnsafeBytes { H5Awrite(attribute, memory, $0.baseAddress) } >= 0
    }

    private static func writeStrings(_ texts: [String], scalar: Bool, name: String, on object: hid_t) -> Bool {
        let type = stringType()
        defer { H5Tclose(type) }
        let space = makeSpace(count: texts.count, scalar: scalar)
        defer { H5Sclose(space) }
        let attribute = H5Acreate2(object, name, type, space, CHDF5_H5P_DEFAULT(), CHDF5_H5P_DEFAULT())
        guard attribute >= 0 else { return false }
        defer { H5Aclose(attribute) }
        let copies = texts.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        return copies.withUnsafeBufferPointer { H5Awrite(attribute, type, $0.baseAddress) } >= 0
    }

    /// A variable-length UTF-8 string type (caller closes it).
    private static func stringType() -> hid_t {
        let type = H5Tcopy(CHDF5_H5T_C_S1())
        H5Tset_size(type, CHDF5_H5T_VARIABLE())
        H5Tset_cset(type, H5T_CSET_UTF8)
        return type
    }

    // MARK: - Reading

    /// Every attribute of `object` that ImageIO can represent, in creation order or name order.
    static func readAll(of object: hid_t, variableLengthStrings: Bool = true) -> [(name: String, value: HDF5AttributeValue)] {
        final class Names { var list: [String] = [] }
        let names = Names()
        var index: hsize_t = 0
        _ = H5Aiterate2(
            object, H5_INDEX_NAME, H5_ITER_INC, &index,
            { _, name, _, context in
                guard let name, let context else { return 0 }
                Unmanaged<Names>.fromOpaque(context).takeUnretainedValue().list.append(String(cString: name))
                return names_continue
            }, Unmanaged.passUnretained(names).toOpaque())
        return names.list.compactMap { name in read(name: name, of: object, variableLengthStrings: variableLengthStrings).map { (name, $0) }
        }
    }

    /// One attribute, or `nil` when absent or of an unsupported type.
    static func read(name: String, of object: hid_t, variableLengthStrings: Bool = true) -> HDF5AttributeValue? {
        let attribute = H5Aopen(object, name, CHDF5_H5P_DEFAULT())
        guard attribute >= 0 else { return nil }
        defer { H5Aclose(attribute) }
        let type = H5Aget_type(attribute)
        let space = H5Aget_space(attribute)
        defer {
            H5Tclose(type)
            H5Sclose(space)
        }
        guard type >= 0, space >= 0 else { return nil }
        let points = Int(H5Sget_simple_extent_npoints(space))
        guard points >= 0, points <= 1 << 24 else { return nil }
        let scalar = H5Sget_simple_extent_type(space) == H5S_SCALAR
        switch H5Tget_class(type) {
        case H5T_STRING:
            if !variableLengthStrings, H5Tis_variable_str(type) > 0 { return nil }
            guard let texts = readStrings(attribute, type: type, count: points) else { return nil }
            return scalar && texts.count == 1 ? .string(texts[0]) : .strings(texts)
        case H5T_INTEGER, H5T_ENUM:
            var values = [Int64](repeating: 0, count: points)
            guard H5Aread(attribute, CHDF5_H5T_NATIVE_INT64(), &values) >= 0 else { return nil }
            return scalar && points == 1 ? .integer(values[0]) : .integers(values)
        case H5T_FLOAT:
            var values = [Double](repeating: 0, count: points)
            guard H5Aread(attribute, CHDF5_H5T_NATIVE_DOUBLE(), &values) >= 0 else { return nil }
            return scalar && points == 1 ? .number(values[0]) : .numbers(values)
        default:
            return nil
        }
    }

    private static func readStrings(_ attribute: hid_t, type: hid_t, count: Int) -> [String]? {
        if H5Tis_variable_str(type) > 0 {
            let memory = stringType()
            defer { H5Tclose(memory) }
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            guard H5Aread(attribute, memory, &pointers) >= 0 else { return nil }
            defer { pointers.forEach { if let p = $0 { H5free_memory(p) } } }
            return pointers.map { $0.map { String(cString: $0) } ?? "" }
        }
        let size = H5Tget_size(type)
        guard size > 0, size <= 1 << 20 else { return nil }
        let memory = H5Tcopy(CHDF5_H5T_C_S1())
        defer { H5Tclose(memory) }
        H5Tset_size(memory, size)
        // NULLPAD: C_S1 is NULLTERM, which keeps only size - 1 characters of a full-length value.
        H5Tset_strpad(memory, H5T_STR_NULLPAD)
        var buffer = [UInt8](repeating: 0, count: size * count)
        guard H5Aread(attribute, memory, &buffer) >= 0 else { return nil }
        return (0..<count).map { i in
            String(decoding: buffer[(i * size)..<((i + 1) * size)].prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}

private let names_continue: herr_t = 0
