import CHDF5

/// Maps ``DType`` to and from HDF5 datatypes (little-endian in files, as h5py writes them).
enum HDF5DataType {
    /// A new datatype id for storing `dtype` (caller owns it). Call inside the lock.
    ///
    /// float16 is h5py's IEEE half type; bool is h5py's `enum int8 {FALSE = 0, TRUE = 1}`.
    static func make(_ dtype: DType) -> hid_t {
        switch dtype {
        case .bool:
            let type = H5Tenum_create(CHDF5_H5T_NATIVE_INT8())
            var no: Int8 = 0
            var yes: Int8 = 1
            H5Tenum_insert(type, "FALSE", &no)
            H5Tenum_insert(type, "TRUE", &yes)
            return type
        case .uint8: return H5Tcopy(CHDF5_H5T_STD_U8LE())
        case .uint16: return H5Tcopy(CHDF5_H5T_STD_U16LE())
        case .uint32: return H5Tcopy(CHDF5_H5T_STD_U32LE())
        case .uint64: return H5Tcopy(CHDF5_H5T_STD_U64LE())
        case .int8: return H5Tcopy(CHDF5_H5T_STD_I8LE())
        case .int16: return H5Tcopy(CHDF5_H5T_STD_I16LE())
        case .int32: return H5Tcopy(CHDF5_H5T_STD_I32LE())
        case .int64: return H5Tcopy(CHDF5_H5T_STD_I64LE())
        case .float16:
            let type = H5Tcopy(CHDF5_H5T_IEEE_F32LE())
            H5Tset_fields(type, 15, 10, 5, 0, 10)
            H5Tset_size(type, 2)
            H5Tset_ebias(type, 15)
            return type
        case .float32: return H5Tcopy(CHDF5_H5T_IEEE_F32LE())
        case .float64: return H5Tcopy(CHDF5_H5T_IEEE_F64LE())
        }
    }

    /// The dtype of a stored datatype, or a reason it is not supported. Call inside the lock.
    static func dtype(of type: hid_t) -> Result<DType, UnsupportedType> {
        let size = H5Tget_size(type)
        switch H5Tget_class(type) {
        case H5T_INTEGER:
            let signed = H5Tget_sign(type) == H5T_SGN_2
            guard let dtype = DType.make(floatingPoint: false, signed: signed, byteSize: size) else {
                return .failure(UnsupportedType(reason: "\(size)-byte integers"))
            }
            return .success(dtype)
        case H5T_FLOAT:
            guard let dtype = DType.make(floatingPoint: true, signed: true, byteSize: size) else {
                return .failure(UnsupportedType(reason: "\(size)-byte floats"))
            }
            return .success(dtype)
        case H5T_ENUM:
            // h5py's bool: a 1-byte integer enum with members FALSE and TRUE.
            if size == 1, H5Tget_nmembers(type) == 2 { return .success(.bool) }
            return .failure(UnsupportedType(reason: "enum types other than h5py's bool"))
        case let other:
            return .failure(UnsupportedType(reason: "datatype class \(other.rawValue)"))
        }
    }

    /// The in-memory (native little-endian) type for reading `dtype`. Caller owns it. Call inside the lock.
    static func memoryType(_ dtype: DType) -> hid_t {
        switch dtype {
        case .uint8: H5Tcopy(CHDF5_H5T_NATIVE_UINT8())
        case .uint16: H5Tcopy(CHDF5_H5T_NATIVE_UINT16())
        case .uint32: H5Tcopy(CHDF5_H5T_NATIVE_UINT32())
        case .uint64: H5Tcopy(CHDF5_H5T_NATIVE_UINT64())
        case .int8: H5Tcopy(CHDF5_H5T_NATIVE_INT8())
        case .int16: H5Tcopy(CHDF5_H5T_NATIVE_INT16())
        case .int32: H5Tcopy(CHDF5_H5T_NATIVE_INT32())
        case .int64: H5Tcopy(CHDF5_H5T_NATIVE_INT64())
        case .float32: H5Tcopy(CHDF5_H5T_NATIVE_FLOAT())
        case .float64: H5Tcopy(CHDF5_H5T_NATIVE_DOUBLE())
        case .float16, .bool: make(dtype)
        }
    }

    struct UnsupportedType: Error {
        var reason: String
    }
}
