import DwellCore
import DwellRecord
import DwellRunner
import DwellWire
import Foundation

/// The patient call (a `call` button on the board, or `POST /api/v1/beds/{bed}/call`): the bed's,
/// with or without a session. During a session in progress its runner shows the call over the
/// session's signal; otherwise the bed's idle indicator shows it. It stands until a therapist
/// answers at the bed: `ack` (or the acknowledge button) answers the call before anything else.
/// Both are recorded as bed-level rows (`record.patient-call`, `record.call-answered` with the
/// response time in `amount_ms`), with the session's ids when one is in progress.
extension BedController {
    /// What a button press needs to know of the bed now (without waiting for the record).
    var buttonState: ButtonState {
        get async {
            guard let session else { return ButtonState(phase: .idle, calling: call.isCalling) }
            let snapshot = await session.runner.snapshot()
            return ButtonState(
                phase: .session(snapshot.phase), calling: call.isCalling,
                checkDue: snapshot.checkIn.map { $0 <= .zero } ?? false)
        }
    }

    /// How long the bed has existed on its own timeline.
    var bedOffset: Duration { origin.duration(to: .now) }

    /// The session in progress (started and not ended), if any.
    var sessionInProgress: ActiveSession? {
        get async {
            guard let session, !(await session.runner.isFinished) else { return nil }
            return session
        }
    }

    /// The patient calls. A call already standing is left as it is (the patient pressed again).
    func patientCall(from source: PatientCall.Source, now: Date = Date()) async -> BedStatus {
        guard call.call(at: bedOffset, from: source) else { return await status() }
        callWallTime = now
        let live = await sessionInProgress
        if let live {
            callShownBy = live.runner
            await live.runner.showCall(true)
        } else {
            await idle.show(.calling)
        }
        logger.warning("bed \(id): PATIENT CALLING (\(source.rawValue))")
        await recordCall(
            RecordStore.patientCallType, note: PatientCall.callNote(source), waited: nil, session: live, at: now)
        let status = await status()
        hub.publish(status)
        return status
    }

    /// A call that stood when dwelld stopped (its row has no answer after it) stands again, waiting
    /// since the recorded time, so a restart never silences a patient who called; it is not
    /// recorded a second time, and its answer records the whole wait.
    func restoreCall(_ row: RecordEntry, now: Date = Date()) async {
        let source: PatientCall.Source = row.note == PatientCall.callNote(.api) ? .api : .button
        let calledAt = RecordTime.date(from: row.wallTime) ?? now
        let waited = Duration.milliseconds(max(0, Int64(now.timeIntervalSince(calledAt) * 1_000)))
        guard call.call(at: bedOffset - waited, from: source) else { return }
        callWallTime = calledAt
        if let live = await sessionInProgress {
            callShownBy = live.runner
            await live.runner.showCall(true)
        } else {
            await idle.show(.calling)
        }
        logger.critical(
            "bed \(id): PATIENT CALLING since \(row.wallTime): the call was not answered when dwelld stopped")
        hub.publish(await status())
    }

    /// A therapist answered at the bed: the call ends, recorded with how long the patient waited.
    /// With the clinic's check-in timer, answering also counts as looking in (`check.done`).
    func answerCall(now: Date = Date()) async -> BedStatus {
        guard let waited = call.answer(at: bedOffset) else { return await status() }
        callWallTime = nil
        if let runner = callShownBy {
            await runner.showCall(false)
        } else {
            await idle.show(.idle)
        }
        callShownBy = nil
        let live = await sessionInProgress
        logger.notice("bed \(id): patient call answered after \(waited.notation)")
        await recordCall(
            RecordStore.callAnsweredType, note: PatientCall.answerNote(after: waited), waited: waited, session: live,
            at: now)
        if limits.checkEvery != nil, let live { try? await live.runner.send(.checked) }
        let status = await status()
        hub.publish(status)
        return status
    }

    /// The bed's own state laid over a status: the call, and the idle indicator's lamps while it
    /// shows the call.
    func withBedState(_ base: BedStatus) async -> BedStatus {
        var status = base
        if let since = callWallTime, let waited = call.waiting(at: bedOffset) {
            status.call = BedStatus.Call(since: RecordTime.string(from: since), waitingMs: waited.wholeMilliseconds)
        }
        if call.isCalling, callShownBy == nil {
            status.signal = IndicatorSignal.calling.name
            status.lamps = BedStatus.lampNames(await idle.levels)
        }
        return status
    }

    /// A bed-level row: the session's ids and offset when one is in progress, else no session's.
    private func recordCall(
        _ type: String, note: String, waited: Duration?, session live: ActiveSession?, at now: Date
    ) async {
        var context = RecordStore.recordContext
        context.bed = id
        var offset = Duration.zero
        if let live, let sessionContext, sessionContext.sessionID == live.id {
            context = sessionContext
            offset = await live.runner.offsetNow
        }
        do throws(RecordError) {
            try await writer.append(
                RecordEvent(
                    session: context, type: type, monotonicUs: offset.wholeMicroseconds,
                    wallTime: RecordTime.string(from: now), note: note, amountMs: waited?.wholeMilliseconds))
        } catch {
            logger.error("bed \(id): the patient call could not be recorded (it is shown all the same): \(error)")
        }
    }
}
