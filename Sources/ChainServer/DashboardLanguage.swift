import ChainPresentation
import Foundation
import Hummingbird
import HummingbirdAuth
import Mustache

/// The language of a dashboard page: `?lang=` when the reader switches (remembered in a
/// cookie), else the cookie, else the browser's `Accept-Language`, else Dutch.
enum DashboardLanguage {
    static let cookie = "chainledger_lang"

    /// The language for `request`, and whether the reader just chose it (so that it is kept).
    static func of(_ request: Request) -> (language: Language, chosen: Bool) {
        if let asked = request.uri.queryParameters.get("lang").flatMap({ Language(rawValue: String($0)) }) { return (asked, true) }
        if let kept = request.cookies[cookie].flatMap({ Language(rawValue: $0.value) }) { return (kept, false) }
        return (Language.preferred(acceptLanguage: request.headers[.acceptLanguage]), false)
    }

    /// The cookie that keeps `language` for a year.
    static func keep(_ language: Language) -> Cookie {
        Cookie(name: cookie, value: language.rawValue, maxAge: 365 * 24 * 3600, path: "/", httpOnly: true, sameSite: .lax)
    }

    /// The switch on every page: each language by its own name, linking to this page in it.
    static func links(_ current: Language, _ request: Request) -> [LanguageLink] {
        Language.allCases.map { language in
            var items = request.uri.queryParameters.filter { $0.key != "lang" }.map { "\($0.key)=\(DashboardFormat.queryValue(String($0.value)))" }
            items.append("lang=\(language.rawValue)")
            return LanguageLink(
                code: language.rawValue, name: MessageCatalogue.shipped(language)["language_name"],
                href: request.uri.path + "?" + items.joined(separator: "&"), current: language == current)
        }
    }
}

/// One language in the switch.
struct LanguageLink {
    let code: String
    let name: String
    let href: String
    let current: Bool
}

/// The catalogue as the templates read it: `{{t.KEY}}`. A key the catalogue lacks shows as
/// `⟦KEY⟧`, which the dashboard's tests look for in every page.
struct MessageLookup: MustacheParent {
    let catalogue: MessageCatalogue

    func child(named name: String) -> Any? { catalogue[name] }
}
