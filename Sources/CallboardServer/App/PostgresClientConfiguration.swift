import CallboardConfig
import Logging
import PostgresNIO
import StorePostgres

extension PostgresClient.Configuration {
    /// The client configuration for `backend.database.connection` with `client: pg`.
    ///
    /// With the object form's `ssl`, TLS is required and the certificate verified (against `ca`
    /// when given) unless `rejectUnauthorized: false`. Otherwise TLS follows the URL's `sslmode`
    /// as libpq reads it: `disable`; `allow` and `prefer` (the default) use TLS when the server
    /// offers it, without verifying its certificate; `require` insists on TLS, unverified;
    /// `verify-ca` verifies the chain; `verify-full` also the host name. `application_name` in
    /// the URL is passed to the server. The user defaults to `postgres`.
    init(callboard connection: CallboardConfiguration.PostgresConnection) throws {
        self.init(host: connection.host, port: connection.port, username: connection.user ?? "postgres",
                  password: connection.password?.value, database: connection.database, tls: try Self.tls(connection))
        if let name = connection.options["application_name"] {
            options.additionalStartupParameters.append(("application_name", name))
        }
    }

    static func tls(_ connection: CallboardConfiguration.PostgresConnection) throws -> TLS {
        if let ssl = connection.ssl {
            var configuration = TLSConfiguration.makeClientConfiguration()
            if !ssl.rejectUnauthorized { configuration.certificateVerification = .none }
            if let ca = ssl.ca {
                do {
                    configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(ca.utf8)))
                } catch {
                    throw StartupError("backend.database.connection.ssl.ca is not valid PEM")
                }
            }
            return .require(configuration)
        }
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch connection.options["sslmode"] ?? "prefer" {
        case "disable":
            return .disable
        case "allow", "prefer":
            configuration.certificateVerification = .none
            return .prefer(configuration)
        case "require":
            configuration.certificateVerification = .none
            return .require(configuration)
        case "verify-ca":
            configuration.certificateVerification = .noHostnameVerification
            return .require(configuration)
        case "verify-full":
            return .require(configuration)
        default:
            throw StartupError(
                "backend.database.connection: sslmode must be disable, allow, prefer, require, verify-ca or verify-full")
        }
    }
}

extension PostgresBackend {
    /// Opens (and migrates) the database of `backend.database` with `client: pg`; a failure is
    /// one line for the operator, naming the server but never the password.
    static func open(callboard connection: CallboardConfiguration.PostgresConnection, logger: Logger) async throws
        -> PostgresBackend
    {
        let configuration = try PostgresClient.Configuration(callboard: connection)
        do {
            return try await PostgresBackend.open(configuration: configuration, logger: logger)
        } catch {
            throw StartupError("cannot open the PostgreSQL database \(connection): \(error)")
        }
    }
}
