import Foundation
import ImJoySchema

/// The cache identity of remote inputs. A URL says nothing about the bytes behind it (the object
/// may be replaced, validators such as ETag are optional and differ between servers, and an
/// HTTP Zarr store cannot be listed), so an op whose data names an `http(s)://` or `s3://` URL —
/// a read op, or a plugin op given the URL — gets no cache key: it always runs, and the ops after
/// it are keyed by the SHA-256 of what it returned (the fetched array), like any uncached
/// result. Fetching stays where it belongs (in the op), and a changed remote object can never be
/// answered from the cache. docs/reproducibility.md.
enum RemoteInputKeys {
    /// Whether `value` (a call's data) holds a remote URL string anywhere.
    static func namesRemote(_ value: JSONValue) -> Bool {
        switch value {
        case .string(let text): return RemoteLocation.isRemote(text)
        case .array(let elements): return elements.contains(where: namesRemote)
        case .object(let members): return members.values.contains(where: namesRemote)
        default: return false
        }
    }
}
