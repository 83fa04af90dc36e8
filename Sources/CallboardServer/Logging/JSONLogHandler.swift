import CatalogModel
import Foundation
import Logging

/// A swift-log handler that writes one JSON object per line to stderr (`backend.logging.format:
/// json`): `time` (ISO-8601, UTC, milliseconds), `level`, `logger` (the label), `message`, and
/// the metadata as further members (`request.id`, `event.id`, `subscriber.id`, `entity.ref`, …).
/// A metadata key that clashes with one of the four fixed members is written as `metadata.<key>`.
public struct JSONLogHandler: LogHandler {
    /// Metadata on every record of this handler's logger.
    public var metadata: Logger.Metadata = [:]
    /// The lowest level written.
    public var logLevel: Logger.Level
    /// Contextual metadata added to every record (lowest precedence).
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let write: @Sendable ([UInt8]) -> Void

    static let fixedKeys: Set<String> = ["time", "level", "logger", "message"]

    /// A handler for `label` at `level`, writing to stderr; `metadataProvider` adds contextual
    /// metadata (the current delivery's ids) to every record.
    public init(label: String, level: Logger.Level = .info, metadataProvider: Logger.MetadataProvider? = nil) {
        self.init(label: label, level: level, metadataProvider: metadataProvider, write: Self.standardError)
    }

    /// A handler that hands each encoded line (newline included) to `write`; for tests.
    init(label: String, level: Logger.Level, metadataProvider: Logger.MetadataProvider? = nil,
         write: @escaping @Sendable ([UInt8]) -> Void) {
        self.label = label
        self.logLevel = level
        self.metadataProvider = metadataProvider
        self.write = write
    }

    /// One metadata value of this handler's logger.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes `event` as one JSON line.
    public func log(event: LogEvent) {
        var members: [String: JSONValue] = [:]
        // Later sources win: the provider's context, the logger's metadata, the record's own.
        for source in [metadataProvider?.get() ?? [:], metadata, event.metadata ?? [:]] {
            for (key, value) in source {
                members[Self.fixedKeys.contains(key) ? "metadata.\(key)" : key] = Self.json(value)
            }
        }
        members["time"] = .string(Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        members["level"] = .string(event.level.rawValue)
        members["logger"] = .string(label)
        members["message"] = .string("\(event.message)")
        var line = JSONValue.object(members).canonicalBytes()
        line.append(UInt8(ascii: "\n"))
        write(line)
    }

    static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): return .string(text)
        case .stringConvertible(let convertible): return .string(convertible.description)
        case .array(let values): return .array(values.map(json))
        case .dictionary(let members): return .object(members.mapValues(json))
        }
    }

    /// One `write(2)` per line on the unbuffered stderr, so lines from several threads never
    /// interleave (a log line is far below the pipe's atomic-write size).
    @Sendable static func standardError(_ line: [UInt8]) {
        FileHandle.standardError.write(Data(line))
    }
}
