import DwellBed
import DwellHub
import DwellWire
import Hummingbird

/// `GET /api/v1/health`: the record's last row and the clinic hub's lag, read from the record
/// (its acknowledgement) so it is right from the first request after a restart.
extension APIRouter {
    static func addHealthRoute(beds: Beds, hub: HubForwardingState?, on: Route) {
        on(.get, "health") { _, _ in
            do {
                let store = beds.record
                guard let hub else { return HealthStatus(recordSeq: try store.headRow().seq, hub: nil) }
                let lag = try HubLag.read(store, state: hub)
                return HealthStatus(
                    recordSeq: lag.recordSeq,
                    hub: HubHealth(
                        device: lag.device, acknowledgedSeq: lag.acknowledgedSeq, acknowledgedAt: lag.acknowledgedAt,
                        unsentRows: lag.unsentRows, unsentForS: lag.unsentForSeconds, lastError: lag.lastError))
            } catch {
                throw Problem(.serviceUnavailable, "Record unreadable", "\(error)")
            }
        }
    }
}

extension HealthStatus: ResponseEncodable {}
