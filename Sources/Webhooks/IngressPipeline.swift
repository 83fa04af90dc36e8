import Events

/// SPEC §3.2 steps 2–5 for one received body: media type and decoding, the validator over the
/// raw bytes, the idempotency key, and metadata without secrets. The HTTP layer does step 1
/// (topic, rate limit, size) and the append.
public enum IngressPipeline {
    /// Why a webhook is refused.
    public enum Refusal: Error, Equatable {
        case unsupportedMediaType(String)
        case badRequest(String)
        case rejected(String)
    }

    /// The event to append for `request` on `topic`, or why not.
    public static func event(for request: IngressRequest, topic: IngressTopic) -> Result<NewEvent, Refusal> {
        let payload: IngressPayload
        switch IngressPayload.decode(request) {
        case .success(let decoded): payload = decoded
        case .failure(.unsupportedMediaType(let message)): return .failure(.unsupportedMediaType(message))
        case .failure(.undecodable(let message)): return .failure(.badRequest(message))
        }
        if let validator = topic.validator, let reason = validator.rejection(for: request) {
            return .failure(.rejected(reason))
        }
        var metadata = topic.storableMetadata(request.headers)
        metadata.merge(payload.metadata) { header, _ in header }
        let key = topic.idempotencyKey(headers: request.headers, metadata: payload.metadata, payload: payload.json)
        return .success(NewEvent(topic: topic.name, payload: payload.bytes, metadata: metadata, idempotencyKey: key))
    }
}
