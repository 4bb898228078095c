import DwellCore
import DwellRunner
import DwellWire

/// A session running (or ended) on a bed.
struct ActiveSession: Sendable {
    let id: String
    let treatment: TreatmentProtocol
    let therapist: String?
    let patient: String?
    let aftercare: String
    let runner: SessionRunner<PrecisionClock>
    var interruption: Interruption?
}

extension BedStatus {
    /// The bed as its session's snapshot shows it.
    init(bed: String, snapshot: SessionSnapshot, session: ActiveSession) {
        self.init(
            bed: bed, state: .session(snapshot.phase), signal: snapshot.signal.name,
            protocol: ProtocolRef(
                id: session.treatment.id, title: session.treatment.title, version: session.treatment.version),
            session: session.id, step: snapshot.stepIndex, stepCount: snapshot.stepCount, current: snapshot.current,
            next: snapshot.next, remainingMs: snapshot.remaining?.wholeMilliseconds,
            elapsedMs: snapshot.elapsed.wholeMilliseconds,
            plannedMs: snapshot.plannedLength.wholeMilliseconds, lamps: Self.lampNames(snapshot.lamps),
            fault: snapshot.fault,
            therapist: session.therapist, patient: session.patient,
            needles: NeedleCounts(snapshot.needles, treatment: session.treatment),
            silencedMs: snapshot.silencedFor?.wholeMilliseconds, aftercare: session.aftercare,
            interruption: session.interruption, checkInMs: snapshot.checkIn?.wholeMilliseconds)
    }
}
