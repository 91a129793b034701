import Foundation
import HummingbirdCore
import HummingbirdTLS
import NIOSSL

/// HTTPS for the server (`serve --tls-cert FILE --tls-key FILE`): a certificate chain and its
/// private key in PEM, read and checked when the settings are made, so that a wrong file stops
/// the server before it listens. TLS 1.2 at least; HTTP/1.1 inside.
public struct ServerTLS: Sendable {
    let configuration: TLSConfiguration

    /// Reads the certificate chain (the server's certificate first, then any intermediates) and
    /// the private key.
    public init(certificateFile: String, keyFile: String) throws(TLSFileError) {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificateFile)
        } catch {
            throw TLSFileError("cannot read the certificate chain in \(certificateFile) (PEM expected): \(error)")
        }
        guard !chain.isEmpty else { throw TLSFileError("\(certificateFile) holds no certificate (PEM expected)") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
        } catch {
            throw TLSFileError("cannot read the private key in \(keyFile) (PEM, unencrypted): \(error)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        do {
            _ = try NIOSSLContext(configuration: configuration)
        } catch {
            throw TLSFileError("the key in \(keyFile) does not fit the certificate in \(certificateFile): \(error)")
        }
        self.configuration = configuration
    }

    /// `base` inside TLS.
    func wrap(_ base: HTTPServerBuilder) -> HTTPServerBuilder {
        do {
            return try .tls(base, tlsConfiguration: configuration)
        } catch {
            // Never plain HTTP instead: the server fails to start with the error.
            return HTTPServerBuilder { _ in throw error }
        }
    }
}

/// A certificate or key file that cannot serve TLS, and why.
public struct TLSFileError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
