import Foundation

/// A task's schedule as Backstage's task list shows it (`settings`, version 2).
public struct TaskSettings: Sendable, Hashable, Codable {
    /// Always 2.
    public var version: Int
    /// An ISO-8601 duration (`PT30M`), a cron expression, or `manual`.
    public var cadence: String
    /// ISO-8601.
    public var timeoutAfterDuration: String
    /// ISO-8601, when the schedule has an initial delay.
    public var initialDelayDuration: String?

    public init(version: Int = 2, cadence: String, timeoutAfterDuration: String, initialDelayDuration: String? = nil) {
        self.version = version
        self.cadence = cadence
        self.timeoutAfterDuration = timeoutAfterDuration
        self.initialDelayDuration = initialDelayDuration
    }

    /// Canonical JSON (sorted keys), as the task store keeps it.
    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? cadence
    }
}

/// One entry of `GET …/.backstage/scheduler/v1/tasks`, shaped like Backstage's
/// `TaskApiTasksResponse`. Encodes with `JSONEncoder` as-is (times are ISO-8601 strings).
public struct TaskDescription: Sendable, Hashable, Codable {
    /// The task's id.
    public var taskId: String
    /// The plugin the scheduler belongs to, when it was given one.
    public var pluginId: String?
    /// `global` or `local`.
    public var scope: TaskSchedule.Scope
    /// The task's schedule.
    public var settings: TaskSettings
    /// The task's stored state (for a global task: across all instances).
    public var taskState: TaskState
    /// What this instance is doing with it.
    public var workerState: WorkerState

    public init(taskId: String, pluginId: String?, scope: TaskSchedule.Scope, settings: TaskSettings,
                taskState: TaskState, workerState: WorkerState) {
        self.taskId = taskId
        self.pluginId = pluginId
        self.scope = scope
        self.settings = settings
        self.taskState = taskState
        self.workerState = workerState
    }
}

/// A task's state: `{status: "idle", startsAt?, lastRunEndedAt?, lastRunError?}` or
/// `{status: "running", startedAt, timesOutAt, lastRunEndedAt?, lastRunError?}`.
public enum TaskState: Sendable, Hashable, Codable {
    /// Not running; `startsAt` is the next run (nil for a manual task not triggered).
    case idle(startsAt: Date?, lastRunEndedAt: Date?, lastRunError: String?)
    /// Running since `startedAt`; cancelled at `timesOutAt`.
    case running(startedAt: Date, timesOutAt: Date, lastRunEndedAt: Date?, lastRunError: String?)

    private enum CodingKeys: String, CodingKey {
        case status, startsAt, startedAt, timesOutAt, lastRunEndedAt, lastRunError
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .idle(let startsAt, let lastRunEndedAt, let lastRunError):
            try container.encode("idle", forKey: .status)
            try container.encodeIfPresent(startsAt?.iso8601, forKey: .startsAt)
            try container.encodeIfPresent(lastRunEndedAt?.iso8601, forKey: .lastRunEndedAt)
            try container.encodeIfPresent(lastRunError, forKey: .lastRunError)
        case .running(let startedAt, let timesOutAt, let lastRunEndedAt, let lastRunError):
            try container.encode("running", forKey: .status)
            try container.encode(startedAt.iso8601, forKey: .startedAt)
            try container.encode(timesOutAt.iso8601, forKey: .timesOutAt)
            try container.encodeIfPresent(lastRunEndedAt?.iso8601, forKey: .lastRunEndedAt)
            try container.encodeIfPresent(lastRunError, forKey: .lastRunError)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func date(_ key: CodingKeys) throws -> Date? {
            guard let text = try container.decodeIfPresent(String.self, forKey: key) else { return nil }
            return try Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)
        }
        let lastRunEndedAt = try date(.lastRunEndedAt)
        let lastRunError = try container.decodeIfPresent(String.self, forKey: .lastRunError)
        switch try container.decode(String.self, forKey: .status) {
        case "idle":
            self = .idle(startsAt: try date(.startsAt), lastRunEndedAt: lastRunEndedAt, lastRunError: lastRunError)
        case "running":
            guard let startedAt = try date(.startedAt), let timesOutAt = try date(.timesOutAt) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .startedAt, in: container, debugDescription: "a running task needs startedAt and timesOutAt")
            }
            self = .running(startedAt: startedAt, timesOutAt: timesOutAt, lastRunEndedAt: lastRunEndedAt,
                             lastRunError: lastRunError)
        case let status:
            throw DecodingError.dataCorruptedError(
                forKey: .status, in: container, debugDescription: "unknown task status '\(status)'")
        }
    }
}

/// What this instance's worker for a task is doing: `{status: "initial-wait" | "idle" | "running"}`.
public struct WorkerState: Sendable, Hashable, Codable {
    /// The worker's status.
    public enum Status: String, Sendable, Hashable, Codable {
        /// Waiting out the schedule's initial delay.
        case initialWait = "initial-wait"
        /// Waiting for the next run.
        case idle
        /// Running the task on this instance.
        case running
    }

    public var status: Status

    public init(status: Status) { self.status = status }
}
