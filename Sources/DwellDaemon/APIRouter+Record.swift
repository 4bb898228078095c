import DwellBed
import DwellWire
import Hummingbird

/// `GET /api/v1/record` and `POST /api/v1/record/acknowledge`: the record fault (a damaged
/// record found at start-up, moved aside and replaced), shown until a therapist acknowledges it.
extension APIRouter {
    static func addRecordRoutes(beds: Beds, on: Route) {
        on(.get, "record") { _, _ in
            RecordStatus(fault: beds.recordFault, path: beds.settings.record)
        }
        on(.post, "record/acknowledge") { request, context in
            _ = try await request.decode(as: NoFields.self, context: context)
            return RecordStatus(fault: try await beds.acknowledgeRecordFault(), path: beds.settings.record)
        }
    }
}
