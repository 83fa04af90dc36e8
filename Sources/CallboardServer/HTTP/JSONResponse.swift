import CatalogModel
import Hummingbird
import NIOCore

/// Builds JSON responses from ``JSONValue``s or raw JSON bytes.
enum JSONResponse {
    static func make(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        raw(value.canonicalBytes(), status: status)
    }

    static func raw(_ bytes: [UInt8], status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A JSON array of already-serialised values.
    static func array(_ elements: [[UInt8]], headers: HTTPFields = [:]) -> Response {
        var out: [UInt8] = []
        out.reserveCapacity(elements.reduce(2) { $0 + $1.count + 1 })
        out.append(UInt8(ascii: "["))
        for (index, element) in elements.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: element)
        }
        out.append(UInt8(ascii: "]"))
        return raw(out, headers: headers)
    }
}

extension Request {
    /// The request body parsed as JSON, or a 400 InputError naming what is wrong.
    func decodeJSONBody(limit: Int = 5 * 1024 * 1024) async throws -> JSONValue {
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError(.payloadTooLarge, "Request body is larger than \(limit) bytes")
        } catch {
            throw APIError.input("The request body ended before it was complete")
        }
        guard buffer.readableBytes > 0 else { throw APIError.input("Request body is empty; expected JSON") }
        do {
            return try JSONParser.parse(buffer.readableBytesView)
        } catch {
            throw APIError.input("Request body is not valid JSON: \(error.description)")
        }
    }
}
