public import Foundation

extension Data {
    /// Decodes standard, padded base64 (RFC 4648 §4) in its canonical spelling only: the one
    /// spelling that encoding the decoded bytes gives back. Decoders commonly accept several
    /// spellings of the same bytes (unused bits set in the last character, as in `I=` and `J=`),
    /// and everything this ledger signs, hashes or stores must be spelled one way, so that two
    /// byte-different notes or commits can never both check.
    public init?(canonicalBase64 text: some StringProtocol) {
        guard let decoded = Data(base64Encoded: String(text)), decoded.base64EncodedString() == text else { return nil }
        self = decoded
    }
}
