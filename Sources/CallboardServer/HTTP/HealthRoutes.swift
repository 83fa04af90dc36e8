import Hummingbird

/// Backstage's health routes.
struct HealthRoutes<Context: RequestContext> {
    let readiness: Readiness

    func register(on router: Router<Context>) {
        router.get(".backstage/health/v1/readiness") { _, _ -> Response in
            guard readiness.isReady else {
                throw APIError(.serviceUnavailable, "Callboard is not ready (starting or stopping)")
            }
            return JSONResponse.make(["status": "ok"])
        }
        router.get(".backstage/health/v1/liveness") { _, _ -> Response in
            JSONResponse.make(["status": "ok"])
        }
    }
}
