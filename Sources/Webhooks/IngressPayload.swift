import CatalogModel
import Events
import Foundation

/// The event payload taken from a webhook body by its media type (SPEC §3.2 step 2).
public struct IngressPayload: Sendable, Equatable {
    /// The payload bytes to store: the body itself for JSON; the `payload` field for GitHub's
    /// form mode; the `data` member for a structured CloudEvent.
    public var bytes: [UInt8]
    /// The parsed payload.
    public var json: JSONValue
    /// Metadata the body carries (`ce-*` attributes of a structured CloudEvent).
    public var metadata: [String: String]

    /// Why a body could not become a payload.
    public enum Failure: Error, Equatable {
        /// 415: a media type ingress does not take.
        case unsupportedMediaType(String)
        /// 400: the body does not decode.
        case undecodable(String)
    }

    /// Decodes `request`'s body by its content type: `application/json`, `application/*+json`,
    /// `application/cloudevents+json` (structured mode), binary-mode CloudEvents (JSON body with
    /// `ce-*` headers), and `application/x-www-form-urlencoded` with a `payload` field.
    public static func decode(_ request: IngressRequest) -> Result<IngressPayload, Failure> {
        guard let mediaType = request.mediaType else {
            return .failure(.unsupportedMediaType("missing content-type; send application/json"))
        }
        switch mediaType {
        case "application/cloudevents+json":
            return structuredCloudEvent(request.body)
        case "application/x-www-form-urlencoded":
            return formPayload(request.body)
        case "application/json":
            return json(request.body)
        default:
            if mediaType.hasPrefix("application/"), mediaType.hasSuffix("+json") {
                return json(request.body)
            }
            return .failure(.unsupportedMediaType(
                "content-type \(mediaType) is not accepted; send application/json, application/*+json, "
                    + "application/cloudevents+json or application/x-www-form-urlencoded with a payload field"))
        }
    }

    static func json(_ body: [UInt8]) -> Result<IngressPayload, Failure> {
        do {
            return .success(IngressPayload(bytes: body, json: try JSONParser.parse(body), metadata: [:]))
        } catch {
            return .failure(.undecodable("body is not valid JSON: \(error.description)"))
        }
    }

    static func structuredCloudEvent(_ body: [UInt8]) -> Result<IngressPayload, Failure> {
        let envelope: JSONValue
        do {
            envelope = try JSONParser.parse(body)
        } catch {
            return .failure(.undecodable("body is not a valid CloudEvent: \(error.description)"))
        }
        guard case .object(let attributes) = envelope else {
            return .failure(.undecodable("a structured CloudEvent must be a JSON object"))
        }
        for required in ["specversion", "id", "source", "type"] where attributes[required]?.stringValue == nil {
            return .failure(.undecodable("the CloudEvent has no '\(required)' attribute"))
        }
        var metadata: [String: String] = [:]
        for (name, value) in attributes where name != "data" && name != "data_base64" {
            switch value {
            case .string(let text): metadata["ce-\(name.lowercased())"] = text
            case .int, .double, .bool: metadata["ce-\(name.lowercased())"] = value.canonicalString()
            default: continue
            }
        }
        let data: JSONValue
        if let encoded = attributes["data_base64"]?.stringValue {
            guard let decoded = Data(base64Encoded: encoded), let parsed = try? JSONParser.parse([UInt8](decoded)) else {
                return .failure(.undecodable("the CloudEvent's data_base64 is not base64-encoded JSON"))
            }
            data = parsed
        } else {
            data = attributes["data"] ?? .null
        }
        return .success(IngressPayload(bytes: data.canonicalBytes(), json: data, metadata: metadata))
    }

    static func formPayload(_ body: [UInt8]) -> Result<IngressPayload, Failure> {
        guard let text = String(validating: body, as: UTF8.self) else {
            return .failure(.undecodable("form body is not valid UTF-8"))
        }
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, decodeFormComponent(parts[0]) == "payload" else { continue }
            guard let value = decodeFormComponent(parts[1]) else {
                return .failure(.undecodable("the form's payload field is not validly percent-encoded"))
            }
            return json(Array(value.utf8)).mapError { _ in .undecodable("the form's payload field is not valid JSON") }
        }
        return .failure(.undecodable("form body has no payload field"))
    }

    static func decodeFormComponent(_ component: Substring) -> String? {
        String(component).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
