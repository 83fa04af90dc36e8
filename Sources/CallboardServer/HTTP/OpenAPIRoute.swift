import Hummingbird
import NIOCore

/// `GET /api/openapi.yaml`: the OpenAPI 3.1 document of every route, `openapi.yaml` at the
/// repository root, compiled into the binary (`Resources/openapi.yaml` links to it). Open, like
/// health: it describes the API, it holds no data.
struct OpenAPIRoute<Context: RequestContext> {
    /// The document's bytes.
    static var document: [UInt8] { PackageResources.openapi_yaml }

    func register(on router: Router<Context>) {
        router.get("api/openapi.yaml") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [.contentType: "application/yaml; charset=utf-8", .cacheControl: "no-cache"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: Self.document)))
        }
    }
}
