/// The webhook body the Frobs service sends, as in the guide: `{"type":"add","id":"42"}`.
enum WebhookEventBody {
    /// Built by hand to keep the guide's key order. Safe without escaping: the type is one of
    /// three words and ``FrobSource/isValidID(_:)`` admits only `[A-Za-z0-9._-]`.
    static func bytes(type: FrobsEventType, id: String) -> [UInt8] {
        precondition(FrobSource.isValidID(id), "source ids are validated before they reach a webhook")
        return Array(#"{"type":"\#(type.rawValue)","id":"\#(id)"}"#.utf8)
    }
}
