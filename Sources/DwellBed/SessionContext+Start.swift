import DwellCore
import DwellProtocolFiles
import DwellRecord
import Foundation

extension SessionContext {
    /// A new session of `loaded` on `bed`, with a fresh id: what every row of it will share.
    public init(starting loaded: LoadedProtocol, bed: String, therapist: String?, patient: String?) {
        self.init(
            sessionID: UUID().uuidString.lowercased(), bed: bed, protocolID: loaded.treatment.id,
            protocolVersion: loaded.treatment.version, protocolTitle: loaded.treatment.title,
            protocolSHA256: loaded.sha256, therapist: therapist, patient: patient)
    }
}
