import Foundation

/// One strace line (`-y`: file descriptors with their paths) to an event, or `nil` for reads,
/// failed calls and anything else the check ignores.
extension SyscallTrace {
    static let writeFlags = ["O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND"]
    static let changing: [String: Event.Kind] = [
        "creat": .write, "mkdir": .write, "mkdirat": .write, "rename": .write, "renameat": .write, "renameat2": .write,
        "link": .write, "linkat": .write, "symlink": .write, "symlinkat": .write, "truncate": .write, "chmod": .write,
        "fchmodat": .write, "chown": .write, "fchownat": .write, "utimensat": .write, "mknod": .write, "mknodat": .write,
        "unlink": .delete, "unlinkat": .delete, "rmdir": .delete,
    ]

    static func parse(_ line: String) -> Event? {
        guard let open = line.firstIndex(of: "("), let equals = line.range(of: ") = ", options: .backwards) else { return nil }
        let syscall = String(line[..<open])
        let arguments = String(line[line.index(after: open)..<equals.lowerBound])
        let result = line[equals.upperBound...]
        // A failed file call changed nothing; a failed connect still tried the network.
        let failed = result.hasPrefix("-1")
        switch syscall {
        case "socket":
            guard arguments.hasPrefix("AF_INET") else { return nil }  // AF_UNIX, AF_NETLINK: local
            return Event(
                kind: .network, subject: "socket(\(arguments.split(separator: ",").prefix(2).joined(separator: ",")))", syscall: syscall)
        case "connect", "bind", "sendto", "sendmsg":
            return address(arguments).map { Event(kind: .network, subject: "\(syscall) \($0)", syscall: syscall) }
        case _ where failed:
            return nil
        case "open", "openat", "openat2":
            guard writeFlags.contains(where: arguments.contains) else { return nil }
            // `= 3</abs/path>`: the file the call opened.
            guard let start = result.firstIndex(of: "<"), let end = result.lastIndex(of: ">") else { return nil }
            return Event(kind: .write, subject: String(result[result.index(after: start)..<end]), syscall: syscall)
        default:
            guard let kind = changing[syscall], let path = path(arguments, at: syscall.hasSuffix("at") || syscall.hasSuffix("at2")) else {
                return nil
            }
            return Event(kind: kind, subject: path, syscall: syscall)
        }
    }

    /// The first path argument, made absolute with the directory of an `*at` call's descriptor.
    static func path(_ arguments: String, at: Bool) -> String? {
        guard let quote = arguments.firstIndex(of: "\"") else { return nil }
        let rest = arguments[arguments.index(after: quote)...]
        guard let close = rest.firstIndex(of: "\"") else { return nil }
        let path = String(rest[..<close])
        if path.hasPrefix("/") { return path }
        // `AT_FDCWD</cwd>, "rel"` or `3</dir>, "rel"`.
        let before = arguments[..<quote]
        guard let start = before.firstIndex(of: "<"), let end = before.lastIndex(of: ">"), start < end else { return path }
        return String(before[before.index(after: start)..<end]) + "/" + path
    }

    /// `1.2.3.4:80` or `[::1]:80` of an AF_INET/AF_INET6 socket address.
    static func address(_ arguments: String) -> String? {
        func value(after marker: String) -> String? {
            guard let range = arguments.range(of: marker) else { return nil }
            let rest = arguments[range.upperBound...]
            guard let end = rest.firstIndex(where: { $0 == "\"" || $0 == ")" }) else { return nil }
            return String(rest[..<end])
        }
        if arguments.contains("sa_family=AF_INET6") {
            return "[\(value(after: "inet_pton(AF_INET6, \"") ?? "?")]:\(value(after: "sin6_port=htons(") ?? "?")"
        }
        if arguments.contains("sa_family=AF_INET") {
            return "\(value(after: "inet_addr(\"") ?? "?"):\(value(after: "sin_port=htons(") ?? "?")"
        }
        return nil
    }
}
