import Dispatch
import Foundation
import GRDBSQLite
import Synchronization

/// Runs WAL checkpoints off the write path, on a connection and a thread of their own.
///
/// SQLite's automatic checkpoint runs inside the `COMMIT` that crosses the threshold, so one
/// unlucky writer pays for copying the whole WAL into the database file (seconds after a large
/// catalog load, an extra flush for an ingress batch). Here a WAL hook on the writer connection
/// only notices the size and wakes this checkpointer, which runs a PASSIVE checkpoint: it copies
/// what no reader still needs, never blocks the writer, and, with `synchronous` at its default
/// (FULL) on this connection, flushes the WAL before and the database file after copying, so it
/// never weakens what the writers' own settings promise.
final class WALCheckpointer: Sendable {
    /// WAL size, in pages, above which a commit asks for a checkpoint (SQLite's own default).
    static let thresholdPages: Int32 = 1000

    /// WAL size, in frames (pages), above which a checkpoint also restarts the WAL: 16,384 pages
    /// is the 64 MiB `journal_size_limit` at 4 KB pages.
    static let defaultRestartPages: Int32 = 16_384
    /// How long a restarting checkpoint waits for readers to move to the newest snapshot, and
    /// so how long it can hold up a writer.
    static let restartWaitMilliseconds: Int32 = 200

    private let path: String
    private let restartPages: Int32
    private let queue = DispatchQueue(label: "callboard.sqlite.checkpoint")
    /// Whether a checkpoint is queued and not started yet (requests coalesce into it).
    private let queued = Mutex(false)
    /// The connection is opened lazily and used on `queue` only.
    private let connection = Mutex<OpaquePointer?>(nil)

    init(path: String, restartPages: Int32 = WALCheckpointer.defaultRestartPages) {
        self.path = path
        self.restartPages = restartPages
    }

    deinit {
        if let handle = connection.withLock({ $0 }) { sqlite3_close_v2(handle) }
    }

    /// Asks for a checkpoint soon; cheap, never blocks.
    func request() {
        let enqueue = queued.withLock { queued -> Bool in
            if queued { return false }
            queued = true
            return true
        }
        guard enqueue else { return }
        queue.async { [self] in
            queued.withLock { $0 = false }
            checkpoint()
        }
    }

    /// Copies the whole WAL into the database file and truncates it, after any checkpoint in
    /// progress, waiting up to 10 s for the writer and readers; false when it could not.
    func checkpointFully() async -> Bool {
        await withCheckedContinuation { continuation in
            queue.async { [self] in
                guard let handle = openedConnection() else { return continuation.resume(returning: false) }
                sqlite3_busy_timeout(handle, 10_000)
                let code = sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_TRUNCATE, nil, nil)
                sqlite3_busy_timeout(handle, 0)
                continuation.resume(returning: code == SQLITE_OK)
            }
        }
    }

    private func checkpoint() {
        guard let handle = openedConnection() else { return }
        // SQLITE_BUSY (another checkpoint is running) and partial progress are both fine: the
        // next commit over the threshold asks again.
        var frames: Int32 = 0
        let code = sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_PASSIVE, &frames, nil)
        // A WAL restarts from its start only when a writer finds it fully copied and no reader
        // in it. Under steady reads (a soak: webhooks plus reads) that moment never comes and the
        // event log's WAL grew to 3.3 GB in 10 minutes, its mapped index with it. Past
        // `restartPages`, a TRUNCATE checkpoint waits briefly for the readers to move on, then
        // restarts and truncates the WAL; writers wait meanwhile (their busy timeout).
        if code == SQLITE_OK, frames >= restartPages {
            sqlite3_busy_timeout(handle, Self.restartWaitMilliseconds)
            _ = sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_TRUNCATE, nil, nil)
            sqlite3_busy_timeout(handle, 0)
        }
    }

    private func openedConnection() -> OpaquePointer? {
        connection.withLock { handle in
            if let handle { return handle }
            var opened: OpaquePointer?
            // A connection learns that the file is in WAL mode when it first reads it; until then
            // a checkpoint is a no-op. Reading the schema does that.
            guard sqlite3_open_v2(path, &opened, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK,
                sqlite3_exec(opened, "SELECT count(*) FROM sqlite_schema", nil, nil, nil) == SQLITE_OK
            else {
                sqlite3_close_v2(opened)
                return nil
            }
            handle = opened
            return opened
        }
    }

    /// Installs the WAL hook on a writer connection: commits that leave the WAL over
    /// ``thresholdPages`` ask this checkpointer for a checkpoint. This replaces SQLite's automatic
    /// checkpoint on that connection. The checkpointer must outlive the connection (its owner
    /// keeps both and closes the database first).
    func install(on connection: OpaquePointer) {
        sqlite3_wal_hook(connection, { context, _, _, pages in
            if pages >= WALCheckpointer.thresholdPages, let context {
                Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue().request()
            }
            return SQLITE_OK
        }, Unmanaged.passUnretained(self).toOpaque())
    }
}
