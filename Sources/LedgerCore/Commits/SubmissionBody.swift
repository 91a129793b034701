import Foundation

/// The body of a signed commit as a client submits it to a server (`POST /api/commits`), read as strictly as
/// the commit itself: one JSON object with exactly the members `signed` (the commit document)
/// and `signature` (its Ed25519 signature), both in canonical base64, no other member and no key
/// twice.
package struct SubmissionBody: Equatable, Sendable {
    package let signed: [UInt8]
    package let signature: [UInt8]

    /// Why a body is not a submission.
    package enum Refusal: Equatable, Sendable, PhrasedError {
        /// Not the JSON object of the two members.
        case malformedJSON(FormatError)
        /// A member that is not canonical (standard, padded) base64.
        case malformedBase64

        package var phrase: Phrase {
            switch self {
            case .malformedJSON(let error):
                "\(error): send {\"signed\": base64 of the commit document, \"signature\": base64 of its Ed25519 signature} and nothing else"
            case .malformedBase64: "signed and signature must be standard, padded base64 (RFC 4648 section 4)"
            }
        }
    }

    package init(signed: [UInt8], signature: [UInt8]) {
        self.signed = signed
        self.signature = signature
    }

    package init(parsing bytes: [UInt8]) throws(Refusal) {
        let signedText: String
        let signatureText: String
        do {
            let fields = try JSONFields(bytes, allowed: ["signed", "signature"])
            signedText = try fields.string("signed")
            signatureText = try fields.string("signature")
        } catch {
            throw .malformedJSON(error)
        }
        guard let signed = Data(canonicalBase64: signedText), let signature = Data(canonicalBase64: signatureText) else {
            throw .malformedBase64
        }
        self.init(signed: [UInt8](signed), signature: [UInt8](signature))
    }

    /// The body a client sends.
    package var body: [UInt8] {
        Array("{\"signed\":\"\(Data(signed).base64EncodedString())\",\"signature\":\"\(Data(signature).base64EncodedString())\"}".utf8)
    }
}
