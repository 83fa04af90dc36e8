import Catalog
import CatalogModel
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

    /// The longest cursor accepted (a query cursor carries its filter; URLs are shorter anyway).
    static let maximumLength = 32 * 1024

    static func decode<T: Decodable>(_ type: T.Type, from text: String, parameter: String) throws -> T {
        let invalid = APIError.input("Invalid \(parameter), it is not a cursor issued by this server")
        guard text.utf8.count <= maximumLength else { throw invalid }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.utf8.count % 4 != 0 { base64.append("=") }
        // The length is checked before any work, and junk is refused by the strict parser
        // before Foundation's decoder sees it.
        guard let data = Data(base64Encoded: base64), (try? JSONParser.parse(Array(data))) != nil,
            let value = try? JSONDecoder().decode(T.self, from: data)
        else { throw invalid }
        return value
    }
}
