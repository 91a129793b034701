import HTTPTypes
import Hummingbird
import NIOCore

/// Answers 405 with an `Allow` header to a request whose path the server serves with other
/// methods (TRACE, PUT or DELETE on `/api/log`, say), and 404 with an error body to one whose
/// path it does not serve, instead of the router's empty 404. The paths and their methods are
/// those of the OpenAPI document, which the tests hold to the routes.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Path templates (`/api/log/{position}`, `/tiles/tile/**`) split into segments, with the
    /// methods each is served with.
    let routes: [(segments: [Substring], methods: Set<String>)]

    init(methodsByPath: [String: Set<String>]) {
        routes = methodsByPath.map { path, methods in (path.split(separator: "/"), methods) }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let segments = request.uri.path.split(separator: "/")
        guard let route = routes.first(where: { Self.matches($0.segments, segments) }) else {
            if segments.first == "witness" {
                // The witness's protocol answers in plain text (C2SP tlog-witness).
                return Response(
                    status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: "this server runs no witness\n")))
            }
            return APIError(.notFound, "no-such-path", "this server serves nothing at \(request.uri.path)").response()
        }
        guard !route.methods.contains(request.method.rawValue) else { return try await next(request, context) }
        let allowed = route.methods.sorted().joined(separator: ", ")
        var response = APIError(.methodNotAllowed, "method-not-allowed", "\(request.uri.path) answers \(allowed) only").response()
        response.headers[.allow] = allowed
        return response
    }

    static func matches(_ template: [Substring], _ path: [Substring]) -> Bool {
        if template.last == "**" {
            return path.count >= template.count && zip(template.dropLast(), path).allSatisfy(segmentMatches)
        }
        return template.count == path.count && zip(template, path).allSatisfy(segmentMatches)
    }

    private static func segmentMatches(_ template: Substring, _ segment: Substring) -> Bool {
        template.hasPrefix("{") && template.hasSuffix("}") ? !segment.isEmpty : template == segment
    }
}
