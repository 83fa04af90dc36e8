import Foundation
import Metrics

/// Scheduler metrics (swift-metrics; Callboard's server sends them to Prometheus):
///
/// - `callboard_scheduler_task_runs_total{task, outcome}`: runs on this instance by how they
///   ended: `succeeded`, `failed`, `timed_out` or `interrupted` (the scheduler stopped);
/// - `callboard_scheduler_task_duration_seconds{task}`: how long each run took.
enum TaskRunMetrics {
    static func record(task: String, outcome: TaskScheduler.RunOutcome, startedAt: Date, endedAt: Date,
                       factory: any MetricsFactory) {
        let name: String
        switch outcome {
        case .succeeded: name = "succeeded"
        case .failed: name = "failed"
        case .timedOut: name = "timed_out"
        case .interrupted: name = "interrupted"
        }
        Counter(label: "callboard_scheduler_task_runs_total", dimensions: [("task", task), ("outcome", name)],
                factory: factory).increment()
        CoreMetrics.Timer(label: "callboard_scheduler_task_duration_seconds", dimensions: [("task", task)], factory: factory)
            .recordSeconds(max(0, endedAt.timeIntervalSince(startedAt)))
    }
}
