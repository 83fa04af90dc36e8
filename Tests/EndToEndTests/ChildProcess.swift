import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a program as a child in its own process group, with this test's standard output and
/// error, and waits for it with `waitpid` (Foundation's `Process` can miss the exit of a child
/// whose own children live on, as a browser's do, and then never reports it).
enum ChildProcess {
    struct SpawnFailed: Error, CustomStringConvertible {
        var program: String
        var description: String { "could not start \(program)" }
    }

    /// Runs `arguments` (the first through `/usr/bin/env`, so PATH applies) and returns its exit
    /// status. After `limit` its whole group gets SIGTERM, ten seconds later SIGKILL, and the
    /// status is -1. Whatever the group left running when it exits is killed too.
    /// `output` (a file path), when given, takes its standard output and error; `directory` is its
    /// working directory.
    static func run(_ arguments: [String], environment: [String: String], limit: Duration,
                    output: String? = nil, errorOutput: String? = nil, directory: String? = nil) async throws -> Int32 {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // POSIX_SPAWN_SETPGROUP with group 0: the child leads a new group of its own.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        // GNU env's -C sets the working directory (glibc's addchdir is not imported).
        let words = ["/usr/bin/env"] + (directory.map { ["-C", $0] } ?? []) + arguments
        var argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) }
        argv.append(nil)
        var envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") }
        envp.append(nil)
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let output {
            posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            if errorOutput == nil { posix_spawn_file_actions_adddup2(&actions, 1, 2) }
        }
        if let errorOutput {
            posix_spawn_file_actions_addopen(&actions, 2, errorOutput, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        }
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/usr/bin/env", &actions, &attributes, argv, envp) == 0 else {
            throw SpawnFailed(program: arguments.first ?? "?")
        }
        defer { kill(-pid, SIGKILL) }  // stragglers of the group (a browser left behind)
        let deadline = ContinuousClock.now + limit
        var terminatedAt: ContinuousClock.Instant?
        while true {
            var status: Int32 = 0
            let waited = waitpid(pid, &status, WNOHANG)
            if waited == pid {
                // WIFEXITED / WEXITSTATUS, which Swift does not import as functions.
                return terminatedAt == nil && status & 0x7f == 0 ? (status >> 8) & 0xff : -1
            }
            if waited == -1 && errno != EINTR { return -1 }
            let now = ContinuousClock.now
            if terminatedAt == nil, now >= deadline {
                FileHandle.standardError.write(Data("\(arguments.joined(separator: " ")) ran over \(limit); terminating it\n".utf8))
                kill(-pid, SIGTERM)
                terminatedAt = now
            } else if let terminatedAt, now >= terminatedAt + .seconds(10) {
                kill(-pid, SIGKILL)
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
}
