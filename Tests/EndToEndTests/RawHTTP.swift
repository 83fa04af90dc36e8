import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Sends exact bytes over a plain TCP connection and reads until the server closes it, for what
/// an HTTP client refuses to send: CR/LF inside header values, lying `content-length`, truncated
/// requests. Blocking, with a receive timeout; used from tests only.
enum RawHTTP {
    /// What came back: the status (0 when the server closed without answering) and the raw text.
    struct Answer: Sendable {
        var status: Int
        var head: String
        var body: String
    }

    /// Sends `request`; with `closeWrite` the client then half-closes (it stops mid-request).
    static func send(port: Int, _ request: String, closeWrite: Bool = false, receiveTimeoutSeconds: Int = 30) async throws
        -> Answer
    {
        // On a thread of its own: blocking socket calls must not hold one of the few threads of
        // the cooperative pool that the server under test (in this process) needs.
        try await withCheckedThrowingContinuation { continuation in
            let bytes = Array(request.utf8)
            Thread {
                continuation.resume(with: Result { try sendBlocking(port: port, bytes, closeWrite, receiveTimeoutSeconds) })
            }.start()
        }
    }

    struct SocketError: Error, CustomStringConvertible {
        var description: String
    }

    private static func sendBlocking(port: Int, _ bytes: [UInt8], _ closeWrite: Bool, _ timeout: Int) throws -> Answer {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketError(description: "socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw SocketError(description: "connect() failed") }
        var wait = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { break }  // the server may close early (a refused request)
            sent += count
        }
        if closeWrite { shutdown(fd, Int32(SHUT_WR)) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            received.append(contentsOf: buffer[0..<count])
        }
        let text = String(decoding: received, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        let head = parts.first ?? ""
        let statusLine = head.split(separator: "\r\n").first ?? ""
        let status = statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return Answer(status: status, head: head, body: parts.dropFirst().joined(separator: "\r\n\r\n"))
    }
}
