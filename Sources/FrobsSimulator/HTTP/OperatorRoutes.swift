import Foundation
import Hummingbird

/// The rest of the control API:
/// - `GET /faults` · `POST /faults` `{"status":503,"count":3,"pathPrefix":"/sources/3/"}` · `DELETE /faults`:
///   make the next data reads fail;
/// - `POST /webhooks`: send any JSON object as a webhook, as is (signed, with a delivery id);
/// - `POST /demo/step`: run one demo step;
/// - `GET /health`: `{"status":"ok"}`.
struct OperatorRoutes {
    let upstream: FrobsUpstream
    let demo: DemoDriver
    let maxRequestBytes: Int

    struct FaultStatus: Encodable {
        var active: FaultRule?
        var served: Int

        func encode(to encoder: any Encoder) throws {
            enum Keys: String, CodingKey { case active, served }
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(active, forKey: .active)
            try container.encode(served, forKey: .served)
        }
    }

    func register(on router: Router<BasicRequestContext>) {
        router.get("faults") { _, _ in faultStatus() }
        router.post("faults") { request, _ in
            let rule = try JSONCoding.decode(FaultRule.self, from: try await JSONCoding.body(of: request, limit: maxRequestBytes))
            if let problem = rule.problem { throw HTTPProblem.input(problem) }
            upstream.faults.set(rule)
            return faultStatus()
        }
        router.delete("faults") { _, _ in
            upstream.faults.clear()
            return faultStatus()
        }
        router.post("webhooks") { request, _ in
            let bytes = try await JSONCoding.body(of: request, limit: maxRequestBytes)
            guard (try? JSONSerialization.jsonObject(with: Data(bytes))) is [String: Any] else {
                throw HTTPProblem.input("Request body must be a JSON object")
            }
            guard let delivery = await upstream.sendRaw(bytes) else {
                throw HTTPProblem.conflict("No ingress URL is configured; nothing to send to")
            }
            struct Sent: Encodable { var webhook: WebhookDelivery }
            return JSONCoding.response(Sent(webhook: delivery))
        }
        router.post("demo/step") { _, _ in
            JSONCoding.response(await demo.step())
        }
        router.get("health") { _, _ in
            JSONCoding.response(["status": "ok"])
        }
    }

    private func faultStatus() -> Response {
        let (rule, served) = upstream.faults.status()
        return JSONCoding.response(FaultStatus(active: rule, served: served))
    }
}
