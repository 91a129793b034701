import Foundation
import Mustache

/// The dashboard's templates (`Resources/*.mustache`), loaded once into a `MustacheLibrary`.
/// `{{value}}` escapes HTML, so nothing read from the ledger can become markup; each page's
/// texts stand in its own template, and `page.mustache` is the frame they share.
struct DashboardTemplates: Sendable {
    let library: MustacheLibrary

    /// The templates shipped in the module's resources.
    static let shipped: Result<DashboardTemplates, DashboardTemplateError> = Result { () throws(DashboardTemplateError) in
        guard let folder = Bundle.module.url(forResource: "Resources", withExtension: nil) else {
            throw DashboardTemplateError("the dashboard's templates are missing from the ChainServer resources; reinstall chainledger")
        }
        return try DashboardTemplates(folder: folder)
    }

    /// Every `NAME.mustache` in `folder`, registered as NAME. A file's last line break is not
    /// part of its template, so that partials fit inside a line of HTML.
    init(folder: URL) throws(DashboardTemplateError) {
        var library = MustacheLibrary()
        do {
            let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            for file in files where file.pathExtension == "mustache" {
                var text = try String(contentsOf: file, encoding: .utf8)
                if text.hasSuffix("\n") { text.removeLast() }
                try library.register(text, named: file.deletingPathExtension().lastPathComponent)
            }
        } catch {
            throw DashboardTemplateError("the dashboard's templates in \(folder.path) cannot be read: \(error)")
        }
        self.library = library
    }

    /// `view` rendered with the template `name`.
    func render(_ view: Any, with name: String) throws(DashboardTemplateError) -> String {
        guard let html = library.render(view, withTemplate: name) else {
            throw DashboardTemplateError("the dashboard has no template \(name).mustache")
        }
        return html
    }
}

/// The dashboard's templates could not be loaded or have no page of that name.
struct DashboardTemplateError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}
