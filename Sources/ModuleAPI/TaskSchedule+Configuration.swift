import CallboardConfig
import Scheduler

extension TaskSchedule {
    /// A schedule read from configuration (Backstage's
    /// `readSchedulerServiceTaskScheduleDefinitionFromConfig`); a cron expression the scheduler
    /// cannot evaluate is a configuration error at `keyPath`.
    public init(configuration: ScheduleConfig, at keyPath: String) throws(ConfigError) {
        let frequency: Frequency
        switch configuration.frequency {
        case .every(let period): frequency = .every(period)
        case .manual: frequency = .manual
        case .cron(let expression):
            do {
                frequency = .cron(try CronExpression(expression))
            } catch {
                throw ConfigError(code: .invalidValue, keyPath: "\(keyPath).frequency.cron", problem: "\(error)")
            }
        }
        let scope: Scope = configuration.scope == .local ? .local : .global
        self.init(frequency: frequency, timeout: configuration.timeout, initialDelay: configuration.initialDelay, scope: scope)
    }
}
