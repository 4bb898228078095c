import DwellCore
import DwellRecord
import Foundation

/// The protocol of the sessions the replay tests record (and of the format-1 fixture): 12 minutes
/// over three sites and a rest, `a` 4m (2 needles), rest 1m, `b` 4m (3), `c` 3m (2).
let replayTreatment = TreatmentProtocol(
    id: "neck-shoulder", title: "Neck and shoulder", version: 1, technique: .deep,
    steps: [
        .site(SiteStep(site: "a", label: "Upper trapezius, left", needles: 2, dwell: .seconds(240))),
        .rest(RestStep(duration: .seconds(60))),
        .site(SiteStep(site: "b", label: "Levator scapulae, left", needles: 3, dwell: .seconds(240))),
        .site(SiteStep(site: "c", label: "Rhomboid major, left", needles: 2, dwell: .seconds(180))),
    ])

/// The wall time offset zero of a recorded session stands for.
let replayWallStart = Date(timeIntervalSince1970: 1_795_424_400)  // 2026-11-23T09:00:00Z

extension SessionStateMachine.HistoryEntry {
    /// `command` at `seconds` from the start.
    static func at(_ seconds: Int64, _ command: SessionCommand) -> Self {
        .init(at: .seconds(seconds), command: command)
    }
}

/// Runs `commands` through a session machine as a runner does (first every deadline before a
/// command, then the command; `interrupt` without catching up) and then up to `until`,
/// recording every event it makes through `recorder`. Timed cues are recorded 0.8 ms late,
/// as a runner measures them; commands carry no lateness. Returns the machine.
@discardableResult
func recordSession(
    _ commands: [SessionStateMachine.HistoryEntry], until: Duration? = nil,
    treatment: TreatmentProtocol = replayTreatment, wallStart: Date = replayWallStart,
    recorder: SessionRecorder
) async throws -> SessionStateMachine {
    var machine = SessionStateMachine(treatment: treatment, limits: .standard)
    func record(_ actions: [SessionAction]) async throws {
        for case .record(let event) in actions {
            let lateness: Duration? = event.kind.isCommand ? nil : .microseconds(800)
            let wall = wallStart.addingTimeInterval(
                Double((event.at + (lateness ?? .zero)).wholeMicroseconds) / 1_000_000)
            try await recorder.record(event, lateness: lateness, at: wall)
        }
    }
    for entry in commands {
        if entry.command != .interrupt { try await record(machine.advance(to: entry.at)) }
        try await record(try machine.handle(entry.command, at: entry.at))
    }
    if let until { try await record(machine.advance(to: until)) }
    return machine
}
