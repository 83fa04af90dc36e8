import CallboardConfig
import Testing

/// Error messages can hold several URLs (a location and the one it redirected to): every
/// password is redacted, not only the first.
@Suite struct URLPasswordRedactionTests {
    @Test func everyURLPasswordIsRedacted() {
        let text = "url:http://u:first-secret@a.example.com/x could not be read: redirected to https://v:second-secret@b.example.com/y"
        let redacted = ConfigRedaction.redactingURLPassword(text)
        #expect(!redacted.contains("first-secret"))
        #expect(!redacted.contains("second-secret"))
        #expect(redacted == "url:http://u:<redacted>@a.example.com/x could not be read: redirected to https://v:<redacted>@b.example.com/y")
        #expect(ConfigRedaction.redactingURLPassword("no credentials in http://a.example.com/x") == "no credentials in http://a.example.com/x")
    }
}

extension URLPasswordRedactionTests {
    /// Error bodies echo the request's URL: a long one must not make redaction slow (a
    /// backtracking regex took minutes on 70 000 letters; this input would take hours).
    @Test func longInputIsRedactedInOnePass() {
        let long = String(repeating: "A", count: 200_000) + "@" + String(repeating: "a://", count: 50_000) + "u:p@h/"
        #expect(ConfigRedaction.redactingURLPassword(long).hasSuffix("a://u:<redacted>@h/"))
    }
}
