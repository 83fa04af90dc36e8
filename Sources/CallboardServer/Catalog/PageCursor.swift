import Catalog
import Foundation

/// Opaque pagination cursors: base64url-encoded JSON. A cursor that does not decode is an
/// InputError, never a crash or a 500.
enum PageCursor {
    /// The `after` cursor of `GET /entities`: where the next page starts.
    struct After: Codable {
        var offset: Int
    }

    /// The `cursor` of `GET /entities/by-query`: the query itself, the page position and the
    /// total counted on the first page.
    struct Query: Codable {
        var request: QueryEntitiesRequest
        var totalItems: Int
    }

    static func encode(_ value: some Encodable) -> String {
        let data = (try? JSONEncoder().encode(value)) ?? Data()
        return data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String, parameter: String) throws -> T {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64.append("=") }
        guard text.count <= 64 * 1024, let data = Data(base64Encoded: base64),
            let value = try? JSONDecoder().decode(T.self, from: data)
        else {
            throw APIError.input("Invalid \(parameter), it is not a cursor issued by this server")
        }
        return value
    }
}
