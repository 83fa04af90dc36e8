import Foundation
import Hummingbird

/// JSON in and out of the simulator's routes, with Foundation's coders.
enum JSONCoding {
    /// Sorted keys, so equal values give equal bytes (and equal ETags).
    static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Only plain structs, strings, numbers and arrays are encoded here: this cannot fail.
        return (try? Array(encoder.encode(value))) ?? Array("null".utf8)
    }

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        bytesResponse(encode(value), status: status, headers: headers)
    }

    static func bytesResponse(_ bytes: [UInt8], status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The request body, at most `limit` bytes (413 beyond), not empty (400).
    static func body(of request: Request, limit: Int) async throws -> [UInt8] {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw HTTPProblem(status: .contentTooLarge, name: "PayloadTooLargeError",
                              message: "Request body is larger than \(limit) bytes")
        }
        guard buffer.readableBytes > 0 else { throw HTTPProblem.input("Request body is empty; expected JSON") }
        return Array(buffer.readableBytesView)
    }

    /// Decodes `bytes`, or throws a 400 that names the offending field (`frobs[0].owner is missing`).
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch let error as DecodingError {
            throw HTTPProblem.input(describe(error))
        } catch {
            throw HTTPProblem.input("Request body is not valid JSON")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])) is missing"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)) must be \(kind(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)) must be \(kind(type)), not null"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "Request body is not valid JSON" : "\(path(context.codingPath)) is invalid"
        @unknown default:
            return "Request body does not have the expected shape"
        }
    }

    /// `frobs[0].owner`; `body` for the document itself.
    private static func path(_ keys: [any CodingKey]) -> String {
        var out = ""
        for key in keys {
            if let index = key.intValue {
                out += "[\(index)]"
            } else {
                out += out.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return out.isEmpty ? "body" : out
    }

    private static func kind(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "an integer"
        case is Bool.Type: "a boolean"
        default:
            String(describing: type).hasPrefix("Array") ? "an array" : "an object"
        }
    }
}
