// A public type's conformance to a public protocol is public, so the modules of both are
// imported publicly here.
public import ArgumentParser
public import ChainDomain
public import ChainPresentation
public import ChainProjections
public import ChainServer
import Foundation
public import LedgerCore

// The domain's values as command-line arguments: argument-parser reads them, and a value that is
// not one says so with the option's help.

extension Period: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

extension CalendarDate: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

extension ObservationStatus: ExpressibleByArgument {
    /// `A`, `P` or `E`, in either case.
    public init?(argument: String) { self.init(rawValue: argument.uppercased()) }

    public var defaultValueDescription: String { rawValue }
    public static var allValueStrings: [String] { ["A", "P", "E"] }
}

extension AsOf: ExpressibleByArgument {}

/// `nl` or `en`.
extension Language: ExpressibleByArgument {}

extension AccessRole: ExpressibleByArgument {}

extension VerifierKey: ExpressibleByArgument {
    /// A verifier key (`name+hash+base64`), or a file whose first line is one.
    public init?(argument: String) {
        if let key = try? VerifierKey(parsing: argument) {
            self = key
        } else if let data = FileManager.default.contents(atPath: argument),
            let line = String(decoding: data, as: UTF8.self).split(separator: "\n").first,
            let key = try? VerifierKey(parsing: String(line))
        {
            self = key
        } else {
            return nil
        }
    }
}

/// A decimal number as people type it: a decimal comma is read as a decimal point.
struct DecimalNumber: ExpressibleByArgument {
    let value: Double

    init?(argument: String) {
        guard let value = Double(argument.replacingOccurrences(of: ",", with: ".")), value.isFinite else { return nil }
        self.value = value
    }
}

/// A PostgreSQL URL as typed: `postgres://…` or `postgresql://…`. What it may hold (no password,
/// a known `sslmode`) is checked by `PostgresLocation` when the options are validated.
struct PostgresURL: ExpressibleByArgument {
    let text: String

    init?(argument: String) {
        guard Self.names(argument) else { return nil }
        text = argument
    }

    /// Whether `text` is meant as a PostgreSQL URL rather than a file path.
    static func names(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }
}

extension LedgerSource: ExpressibleByArgument {
    /// A SQLite file or a postgres:// URL.
    init(argument: String) { self.init(named: argument) }
}

/// Files the commands read.
enum InputFile {
    /// The bytes of a file; `-` reads standard input where `standardInput` allows it.
    static func read(_ path: String, standardInput: Bool = false) throws -> Data {
        if standardInput && path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read \(path)") }
        return data
    }

    /// Decodes a JSON file into `T`, naming the field at fault.
    static func json<T: Decodable>(_ path: String, as type: T.Type) throws -> T {
        let data = try read(path)
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw CLIError("\(path): missing field \"\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))\"")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw CLIError("\(path): field \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" has the wrong type")
        } catch let DecodingError.dataCorrupted(context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw CLIError("\(path): \(context.codingPath.isEmpty ? "not valid JSON" : "field \"\(field)\": \(context.debugDescription)")")
        }
    }
}
