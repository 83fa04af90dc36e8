import CallboardConfig
import Foundation
import ModuleAPI
import Scheduler

/// One `catalog.providers.github.<id>` entry (Backstage's keys).
public struct GitHubDiscoveryConfig: Sendable {
    public var id: String
    /// The integration host (`github.com` by default).
    public var host: String
    public var organization: String
    /// The file read in each repository, without the leading `/` (`catalog-info.yaml`).
    public var catalogPath: String
    /// The branch read; nil reads each repository's default branch.
    public var branch: String?
    /// Repositories whose name matches (anywhere, as JavaScript's `RegExp.test`); nil takes all.
    public var repositoryPattern: String?
    public var schedule: TaskSchedule

    /// Every 30 minutes, 3 minutes timeout, when the entry names no schedule.
    public static let defaultSchedule = TaskSchedule(frequency: .every(.seconds(30 * 60)), timeout: .seconds(180))

    /// Whether `name` passes the repository filter.
    public func matches(repository name: String) -> Bool {
        guard let repositoryPattern else { return true }
        guard let regex = try? Regex(repositoryPattern) else { return false }
        return (try? regex.firstMatch(in: name)) != nil
    }

    /// Reads the entries of `catalog.providers.github`.
    public static func read(_ providers: ConfigReader) throws -> [GitHubDiscoveryConfig] {
        guard !providers.isNull else { return [] }
        var result: [GitHubDiscoveryConfig] = []
        for (id, entry) in try providers.asMembers().sorted(by: { $0.key < $1.key }) {
            _ = try entry.asObject()
            try entry.expectOnly(["host", "organization", "catalogPath", "filters", "schedule", "validateLocationsExist"])
            var branch: String?
            var pattern: String?
            if let filters = try entry.optionalObject("filters") {
                try filters.expectOnly(["branch", "repository", "topic", "visibility", "allowForks", "allowArchived"])
                branch = try filters.optionalString("branch")
                pattern = try filters.optionalString("repository")
                if let pattern, (try? Regex(pattern)) == nil {
                    throw filters.child("repository").invalid(expected: "a regular expression")
                }
            }
            var catalogPath = try entry.optionalString("catalogPath") ?? "/catalog-info.yaml"
            while catalogPath.hasPrefix("/") { catalogPath.removeFirst() }
            if catalogPath.isEmpty || catalogPath.split(separator: "/").contains(where: { $0 == ".." || $0 == "." })
                || catalogPath.contains("*") {
                throw entry.child("catalogPath").invalid(expected: "a file path in the repository, such as /catalog-info.yaml")
            }
            let schedule = try entry.optionalSchedule("schedule").map {
                try TaskSchedule(configuration: $0, at: entry.keyPath("schedule"))
            } ?? defaultSchedule
            result.append(GitHubDiscoveryConfig(
                id: id, host: (try entry.optionalString("host") ?? "github.com").lowercased(),
                organization: try entry.string("organization"), catalogPath: catalogPath, branch: branch,
                repositoryPattern: pattern, schedule: schedule))
        }
        return result
    }
}
