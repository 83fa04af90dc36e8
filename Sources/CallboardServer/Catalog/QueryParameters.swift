import Catalog
import Hummingbird

/// Reading Backstage's query parameters with InputErrors for bad values.
struct QueryParameters {
    let parameters: [(key: String, value: String)]

    init(_ request: Request) {
        parameters = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
    }

    func all(_ name: String) -> [String] {
        parameters.filter { $0.key == name }.map(\.value)
    }

    func first(_ name: String) -> String? {
        parameters.first { $0.key == name }?.value
    }

    /// The largest `limit`, `offset` or `after` accepted: far beyond any catalog, and far enough
    /// below `Int.max` that `limit + 1` and `offset + limit` cannot overflow.
    static let maximumInt = Int(Int32.max)

    /// A non-negative integer parameter (at most `maximum`), or nil when absent.
    func nonNegativeInt(_ name: String, maximum: Int = maximumInt) throws -> Int? {
        guard let text = first(name) else { return nil }
        guard let value = Int(text), value >= 0 else {
            throw APIError.input("Invalid \(name), '\(text)' is not a non-negative integer")
        }
        guard value <= maximum else {
            throw APIError.input("Invalid \(name), '\(text)' is larger than \(maximum)")
        }
        return value
    }

    func filter() throws -> EntityFilter {
        do {
            return try EntityFilterParser.parse(all("filter"))
        } catch {
            throw APIError.input(error.description)
        }
    }

    func fields() -> FieldsProjection? {
        FieldsProjection(all("fields"))
    }

    /// `order=asc:metadata.name` / `order=desc:kind`, repeatable.
    func order() throws -> [EntityOrder] {
        try all("order").flatMap { $0.split(separator: ",") }.map { text in
            let parts = text.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, !parts[1].isEmpty, parts[0] == "asc" || parts[0] == "desc" else {
                throw APIError.input("Invalid order, '\(text)' is not of the form asc:<field> or desc:<field>")
            }
            return EntityOrder(field: String(parts[1]), descending: parts[0] == "desc")
        }
    }
}
