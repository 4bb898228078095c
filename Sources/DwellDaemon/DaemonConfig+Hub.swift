import DwellCore
import DwellHub
import DwellYAML
import Yams

/// `hub: {postgres, password_file, device, batch_rows}`: the clinic hub this room forwards its
/// record to (`batch_rows`: rows per transaction, 500 unless set).
extension DaemonConfig {
    static let hubKeys = ["postgres", "password_file", "device", "batch_rows"]
    static let batchRange = 1...5_000

    static func hub(_ node: Node, into config: inout DaemonConfig, path: String, sink: DiagnosticSink) {
        let field = FieldPath.key("hub")
        guard let mapping = node.mapping else {
            sink.add(at: node.mark, field, "must be a mapping with postgres, password_file and device")
            return
        }
        let reader = FieldReader(mapping, at: field, known: hubKeys, sink: sink)
        let url = reader.scalar("postgres", required: "the hub's URL, e.g. postgres://dwell_dev_room_3@hub/dwell")
        let passwordFile = reader.scalar("password_file", required: "a file (0600) holding this room's password")
        let device = reader.scalar("device", required: "this room's id, e.g. room-3")
        var batchRows = HubSettings.defaultBatchRows
        if let batch = reader.scalar("batch_rows") {
            guard let rows = Int(batch.text), batchRange.contains(rows) else {
                sink.add(
                    at: batch.mark, field.appending("batch_rows"),
                    "`\(batch.text)` must be a whole number from \(batchRange.lowerBound) to \(batchRange.upperBound)")
                return
            }
            batchRows = rows
        }
        guard let url, let passwordFile, let device else { return }
        guard HubError.isDevice(device.text) else {
            sink.add(at: device.mark, field.appending("device"), "\(HubError.badDevice(device.text))")
            return
        }
        switch HubAddress.parse(url.text) {
        case .success(let address):
            config.hub = HubSettings(
                address: address, passwordFile: passwordFile.text, device: device.text, batchRows: batchRows)
            config.sources["hub.password_file"] = ConfigSource(path: path, mark: passwordFile.mark)
        case .failure(let problem):
            sink.add(at: url.mark, field.appending("postgres"), "\(problem)")
        }
    }
}
