import Foundation
import Hummingbird
import Logging
import Scheduler

/// Backstage's scheduler routes under the catalog: `GET …/.backstage/scheduler/v1/tasks` lists
/// the tasks with their state; `POST …/tasks/{id}/trigger` runs one now (404 unknown id, 409
/// while it runs).
struct SchedulerRoutes<Context: RequestContext> {
    let scheduler: TaskScheduler

    func register(on router: Router<Context>) {
        let tasks = router.group("api/catalog/.backstage/scheduler/v1/tasks")
        tasks.get(use: list)
        tasks.post(":id/trigger", use: trigger)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = try encoder.encode(TaskList(tasks: try await scheduler.tasks()))
        return JSONResponse.raw(Array(body))
    }

    @Sendable func trigger(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        do {
            try await scheduler.trigger(id: id)
        } catch let error as TaskSchedulerError {
            switch error {
            case .notFound: throw APIError.notFound(error.description)
            case .alreadyRunning: throw APIError(.conflict, error.description)
            default: throw APIError(.serviceUnavailable, error.description)
            }
        }
        context.logger.info("Task triggered over HTTP", metadata: ["task.id": "\(id)"])
        return JSONResponse.make([:])
    }

    private struct TaskList: Encodable {
        var tasks: [TaskDescription]
    }
}
