import Foundation

/// The one-line reason of a file error ("No such file or directory"), without Foundation's
/// `NSError` dump: the POSIX reason where Foundation wraps one, else its description on one line.
public func fileErrorReason(_ error: any Error) -> String {
    let nsError = error as NSError
    if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
        return String(cString: strerror(Int32(underlying.code)))
    }
    if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
    switch (error as? CocoaError)?.code {
    case .fileReadNoSuchFile?, .fileNoSuchFile?: return String(cString: strerror(ENOENT))
    case .fileReadNoPermission?, .fileWriteNoPermission?: return String(cString: strerror(EACCES))
    default: break
    }
    return nsError.localizedDescription.replacingOccurrences(of: "\n", with: " ")
}
