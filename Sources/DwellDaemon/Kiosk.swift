import Foundation
import HTTPTypes
import Hummingbird

/// The kiosk page's files, served from the module's resources: the page, its style sheet, and its
/// ES modules under `/js/` (one route, `GET /js/:file`, for exactly the files installed in
/// `Kiosk/js`; any other name is a 404, so no path can reach beyond them).
enum Kiosk {
    static let files: [(path: String, name: String, type: String)] = [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/kiosk.css", "kiosk.css", "text/css; charset=utf-8"),
    ]
    static let javaScript = "text/javascript; charset=utf-8"

    /// `GET /alive`: "dwelld answers", for the kiosk browser's local start page
    /// (systemd/kiosk-start.html), which waits on it before opening the page. A file page is
    /// another origin: this one path may be read from any origin (it tells only that dwelld runs).
    static let alivePath = "/alive"

    static func isAliveProbe(_ request: Request) -> Bool {
        request.method == .get && request.uri.path == alivePath
    }

    /// The kiosk page opened as a top-level page from another site, as the start page (a local
    /// file) opens it once dwelld answers: a navigation (`Sec-Fetch-Mode: navigate`, destination
    /// a document, never a frame: the page forbids framing) to `/`. It reads nothing of the API;
    /// the page's own requests are same-origin.
    static func isPageOpened(_ request: Request) -> Bool {
        func header(_ name: String) -> String? { HTTPField.Name(name).flatMap { request.headers[$0] } }
        return request.method == .get && request.uri.path == "/" && header("Sec-Fetch-Mode") == "navigate"
            && header("Sec-Fetch-Dest") == "document"
    }

    /// The names of the page's modules, as installed (read once).
    static let modules: Set<String> = {
        guard let folder = Bundle.module.url(forResource: "js", withExtension: nil, subdirectory: "Kiosk"),
            let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path)
        else { return [] }
        return Set(names.filter { $0.hasSuffix(".js") })
    }()

    static func addRoutes(to router: Router<APIContext>, table: inout RouteTable) {
        for file in files {
            table.add(.get, file.path, isPublic: true)
            router.get(RouterPath(file.path)) { _, _ in try serve(file.name, in: "Kiosk", type: file.type) }
        }
        table.add(.get, alivePath, isPublic: true)
        router.get(RouterPath(alivePath)) { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "dwelld\n")))
        }
        table.add(.get, "/js/:file", isPublic: true)
        router.get("/js/:file") { _, context in
            let name = try context.parameters.require("file")
            guard modules.contains(name) else {
                throw Problem(.notFound, "Not found", "the kiosk page has no module `\(name)`")
            }
            return try serve(name, in: "Kiosk/js", type: javaScript)
        }
    }

    static func serve(_ name: String, in folder: String, type: String) throws(Problem) -> Response {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: folder),
            let data = try? Data(contentsOf: url)
        else {
            throw Problem(.internalServerError, "Kiosk page missing", "\(name) is not installed next to dwelld")
        }
        return Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
