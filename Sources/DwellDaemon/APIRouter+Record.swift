import Foundation
import Hummingbird

/// `GET /api/v1/record` and `POST /api/v1/record/acknowledge`: the record fault (a damaged
/// record found at start-up, moved aside and replaced), shown until a therapist acknowledges it.
extension APIRouter {
    static func addRecordRoutes(beds: DaemonBeds, on: Route) {
        on(.get, "record") { _, _ in
            try json(RecordStatus(fault: beds.recordFault, path: beds.config.record))
        }
        on(.post, "record/acknowledge") { request, _ in
            _ = try await decodeIfPresent(NoFields.self, from: request)
            let fault = try await beds.acknowledgeRecordFault()
            return try json(RecordStatus(fault: fault, path: beds.config.record))
        }
    }
}

/// The body of both record routes; `fault` is null when the record was found intact.
struct RecordStatus: Encodable {
    var fault: RecordFault?
    var path: String

    enum CodingKeys: String, CodingKey { case fault, path }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(fault, forKey: .fault)
        try container.encode(path, forKey: .path)
    }
}
