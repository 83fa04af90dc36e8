import CallboardTesting
import Foundation
import Synchronization

/// Reads a child process's stderr line by line on a Dispatch thread, keeping every line, so a
/// test can wait for a line without blocking Swift concurrency's threads.
final class LogTail: Sendable {
    private let lines = Mutex<[String]>([])
    private let ended = Atomic<Bool>(false)

    init(_ handle: FileHandle) {
        DispatchQueue.global().async { [self] in
            var pending = Data()
            while case let chunk = handle.availableData, !chunk.isEmpty {
                pending.append(chunk)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...newline)
                    lines.withLock { $0.append(line) }
                }
            }
            if !pending.isEmpty { lines.withLock { $0.append(String(decoding: pending, as: UTF8.self)) } }
            ended.store(true, ordering: .releasing)
        }
    }

    /// Every line read so far.
    var all: [String] { lines.withLock { $0 } }

    /// Whether the stream has ended (the process closed stderr).
    var isFinished: Bool { ended.load(ordering: .acquiring) }

    /// The first line that satisfies `matches`, polling until it appears or the stream ends.
    func first(where matches: (String) -> Bool) async throws -> String? {
        var found: String?
        _ = try await eventually {
            found = all.first(where: matches)
            return found != nil || isFinished
        }
        return found ?? all.first(where: matches)
    }
}
