import Foundation
import Hummingbird

/// `GET /api/v1/record` and `POST /api/v1/record/acknowledge`: the record fault (a damaged
/// record found at start-up, moved aside and replaced), shown until a therapist acknowledges it.
extension APIRouter {
    static func addRecordRoutes(to api: RouterGroup<BasicRequestContext>, beds: DaemonBeds) {
        api.get("record") { _, _ in
            try json(RecordStatus(fault: beds.recordFault, path: beds.config.record))
        }
        api.post("record/acknowledge") { _, _ in
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
