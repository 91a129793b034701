import Foundation
package import LedgerCore

/// The JSON this project signs and stores: compact, keys sorted, slashes left as they are, so that
/// the same value always gives the same bytes.
package enum CanonicalJSON {
    /// `value` as JSON. Fails, naming `what` and the field, for a value JSON cannot hold (a number
    /// that is not finite).
    package static func encode<T: Encodable>(_ value: T, what: @autoclosure () -> String) throws(FormatError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return [UInt8](try encoder.encode(value))
        } catch let EncodingError.invalidValue(_, context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            let place = field.isEmpty ? "" : " field \"\(field)\""
            throw FormatError(message: "\(what()):\(place) cannot be written as JSON (\(context.debugDescription))")
        } catch {
            throw FormatError(message: "\(what()): cannot be written as JSON (\(error))")
        }
    }
}
