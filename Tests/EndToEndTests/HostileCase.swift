import CatalogModel
import Foundation

/// One request of the hostile-input corpus and the statuses it may get.
struct HostileCase: Sendable, CustomStringConvertible {
    var name: String
    var method: String
    /// Path and query; `{fake}` stands for the fake upstream's `127.0.0.1:<port>`.
    var path: String
    var headers: [(String, String)] = []
    var body: [UInt8]?
    /// The acceptable statuses (never a 5xx).
    var expect: Set<Int>
    /// Whether the request carries the valid bearer token.
    var auth: Bool = true

    var description: String { "[\(name)] \(method) \(path.prefix(160))" }

    /// A body given as text.
    init(_ name: String, _ method: String, _ path: String, headers: [(String, String)] = [], body: String? = nil,
         expect: Set<Int>, auth: Bool = true) {
        self.init(name, method, path, headers: headers, bytes: body.map { Array($0.utf8) }, expect: expect, auth: auth)
    }

    init(_ name: String, _ method: String, _ path: String, headers: [(String, String)] = [], bytes: [UInt8]?,
         expect: Set<Int>, auth: Bool = true) {
        self.name = name
        self.method = method
        self.path = path
        self.headers = headers
        self.body = bytes
        self.expect = expect
        self.auth = auth
    }

    /// The corpus files: `Tests/Hostile/*.jsonl`, one case a line (`#` lines are comments).
    /// Fields: `name`, `method`, `path`, `headers` (object), `body` (text) or `bodyBase64`, or
    /// `bodyRepeat: {prefix, unit, times, suffix}`, `expect` (status list), `auth` (default true).
    static func loadCorpus() throws -> [HostileCase] {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Hostile")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".jsonl") }.sorted()
        var cases: [HostileCase] = []
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for (number, line) in text.split(separator: "\n").enumerated() {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
                do {
                    cases.append(try HostileCase(json: try JSONParser.parse(trimmed), file: file))
                } catch {
                    throw CorpusError(description: "\(file):\(number + 1): \(error)")
                }
            }
        }
        return cases
    }

    static func int(_ value: JSONValue?) -> Int? {
        if case .int(let number)? = value { return Int(number) }
        return nil
    }

    struct CorpusError: Error, CustomStringConvertible {
        var description: String
    }

    init(json: JSONValue, file: String) throws {
        guard let name = json["name"]?.stringValue, let method = json["method"]?.stringValue,
            let path = json["path"]?.stringValue, case .array(let statuses)? = json["expect"]
        else { throw CorpusError(description: "a case needs name, method, path and expect") }
        var headers: [(String, String)] = []
        if case .object(let object)? = json["headers"] {
            for (key, value) in object.sorted(by: { $0.key < $1.key }) { headers.append((key, value.stringValue ?? "")) }
        }
        var body: [UInt8]?
        if let text = json["body"]?.stringValue {
            body = Array(text.utf8)
        } else if let base64 = json["bodyBase64"]?.stringValue {
            guard let data = Data(base64Encoded: base64) else { throw CorpusError(description: "\(name): bad base64") }
            body = Array(data)
        } else if let repeated = json["bodyRepeat"] {
            let unit = repeated["unit"]?.stringValue ?? ""
            let times = Self.int(repeated["times"]) ?? 0
            body = Array(((repeated["prefix"]?.stringValue ?? "") + String(repeating: unit, count: times)
                + (repeated["suffix"]?.stringValue ?? "")).utf8)
        }
        let auth: Bool
        if case .bool(let value)? = json["auth"] { auth = value } else { auth = true }
        self.init("\(file.replacingOccurrences(of: ".jsonl", with: ""))/\(name)", method, path, headers: headers,
                  bytes: body, expect: Set(statuses.compactMap(Self.int)), auth: auth)
    }
}
