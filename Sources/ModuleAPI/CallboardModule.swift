/// A unit of functionality that plugs into Callboard, as a Backstage backend module does: it
/// reads its configuration, then registers entity providers, processors, event routers, ingress
/// topics and scheduled tasks through the ``ModuleContext`` it is given.
///
/// The built-in modules (GitHub, GitLab, Frobs) are written against this API only, exactly as a
/// user's own module would be. A module whose configuration is absent registers nothing.
///
/// ```swift
/// struct HelloModule: CallboardModule {
///     let moduleID = "hello"
///     func register(in context: any ModuleContext) async throws {
///         guard context.config.has("hello") else { return }
///         try await context.events.subscribe(id: "hello", topics: ["hello"]) { event in
///             context.logger.info("hello event on \(event.topic)")
///         }
///         context.addHttpPostIngress(topic: "hello", validator: nil)
///     }
/// }
/// ```
public protocol CallboardModule: Sendable {
    /// A short stable name for logs and errors (`github`, `frobs`, …).
    var moduleID: String { get }

    /// Registers what the module contributes. Called once at startup, before the catalog starts
    /// and before the server accepts requests; a thrown error stops startup with the module's
    /// name and the error's message.
    func register(in context: any ModuleContext) async throws
}
