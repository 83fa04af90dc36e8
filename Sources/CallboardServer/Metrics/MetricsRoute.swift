import Catalog
import Events
import Hummingbird
import NIOCore

/// `GET /metrics`: Prometheus' text exposition format (SPEC §2); behind a token when
/// `backend.auth.externalAccess` is set.
struct MetricsRoute<Context: RequestContext> {
    let metrics: CallboardMetrics
    let log: any EventLog
    let store: any CatalogStore

    func register(on router: Router<Context>) {
        router.get("metrics") { _, _ -> Response in
            let text = try await metrics.scrape(log: log, store: store)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
