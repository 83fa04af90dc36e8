/// The demo's trouble steps: things that go wrong with real upstreams, so that an operator sees
/// Callboard handle them (rejections, retries, duplicates, dead letters) and its metrics and UI
/// show them. Every `troubleEvery`-th demo step is the next of these, in this order.
enum DemoTrouble: CaseIterable, Sendable {
    /// A source with a frob whose name breaks Backstage's rules: Callboard rejects that entity.
    case invalidFrob
    /// A source whose next two reads answer 503: Callboard's delivery retries, then succeeds.
    case flakyRead
    /// The last accepted webhook again, with its delivery id: Callboard counts a duplicate.
    case duplicateWebhook
    /// The last accepted webhook with a signature over other bytes: Callboard answers 401.
    case forgedSignature
    /// A source that answers 503 until the next trouble step: its event ends as a dead letter,
    /// which the operator can replay once the source is back.
    case unreachableSource

    static let invalidSource = "trouble-invalid"
    static let flakySource = "trouble-flaky"
    static let downSource = "trouble-down"

    /// The trouble of the `index`-th trouble step (0-based), cycling.
    static func at(_ index: Int) -> DemoTrouble {
        allCases[index % allCases.count]
    }
}

extension DemoDriver {
    /// Applies one trouble step; returns its log line and the change (if a source changed).
    func trouble(_ kind: DemoTrouble) async -> (String, SourceChange?) {
        // Whatever the previous trouble broke is fixed first (the unreachable source comes back).
        upstream.faults.clear()
        switch kind {
        case .invalidFrob:
            let change = await upstream.put(DemoTrouble.invalidSource, frobs: [
                Frob(name: "Frob With An Invalid Name!", owner: "team-a", title: "An invalid frob"),
            ], notify: true)
            return ("trouble: source \(DemoTrouble.invalidSource) has a frob with an invalid name (Callboard rejects it)", change)
        case .flakyRead:
            upstream.faults.set(FaultRule(status: 503, count: 2, pathPrefix: "/sources/\(DemoTrouble.flakySource)/"))
            let change = await upstream.put(DemoTrouble.flakySource, frobs: [
                Frob(name: "frob-flaky", owner: "team-b", title: "A frob behind a flaky upstream"),
            ], notify: true)
            return ("trouble: source \(DemoTrouble.flakySource) changed; its next 2 reads fail with 503 (Callboard retries)", change)
        case .duplicateWebhook:
            let delivery = await upstream.webhooks?.resendLast(forged: false)?.value
            return ("trouble: the last webhook sent again with its delivery id (a duplicate)",
                    delivery.map { SourceChange(id: "", event: .modify, version: 0, webhook: $0) })
        case .forgedSignature:
            guard upstream.webhooks?.isSigning == true else {
                return ("trouble: no forged signature (webhooks are not signed: set signingSecret)", nil)
            }
            let delivery = await upstream.webhooks?.resendLast(forged: true)?.value
            return ("trouble: a webhook with a forged signature (Callboard refuses it)",
                    delivery.map { SourceChange(id: "", event: .modify, version: 0, webhook: $0) })
        case .unreachableSource:
            upstream.faults.set(FaultRule(status: 503, count: nil, pathPrefix: "/sources/\(DemoTrouble.downSource)/"))
            let change = await upstream.put(DemoTrouble.downSource, frobs: [
                Frob(name: "frob-down", owner: "team-b", title: "A frob whose upstream is down"),
            ], notify: true)
            return ("trouble: source \(DemoTrouble.downSource) changed and answers 503 until the next trouble step "
                + "(its event becomes a dead letter: replay it then)", change)
        }
    }
}
