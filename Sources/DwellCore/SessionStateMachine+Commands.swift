/// Commands. Each either applies completely or throws a ``CommandRejection`` and changes
/// nothing. Callers first ``SessionStateMachine/advance(to:)`` to the command's time, so that
/// every deadline before it has fired (except `interrupt`, which freezes the session as it was).
extension SessionStateMachine {
    public mutating func handle(
        _ command: SessionCommand, at time: Duration
    ) throws(CommandRejection) -> [SessionAction] {
        let at = max(now, time)
        var next = self
        next.now = at
        var actions: [SessionAction] = []
        try next.apply(command, at: at, into: &actions)
        // A therapist was at the bed (or its page): the check-in timer starts over.
        if command != .interrupt { next.touch(at: at) }
        next.finish(&actions, signalSince: at)
        self = next
        return actions
    }

    private mutating func apply(
        _ command: SessionCommand, at time: Duration, into actions: inout [SessionAction]
    ) throws(CommandRejection) {
        switch (command, state) {
        case (.start, .prepare):
            actions.append(.record(SessionEvent(.sessionStarted, at: time, note: limits.recordNote)))
            begin(step: 0, at: time, into: &actions)

        case (.pause, .step(let progress)):
            state = .paused(progress, since: time)
            actions.append(.record(event(.sessionPaused, at: time, step: progress.index)))

        case (.resume, .paused(var progress, let since)):
            progress.end += time - since
            state = .step(progress)
            actions.append(.record(event(.sessionResumed, at: time, step: progress.index)))

        case (.resume, .interrupted(_, _, resumable: true, let previous)):
            // The needles stayed in while dwelld was down: time counted on, and whatever
            // came due meanwhile happens now.
            actions.append(.record(SessionEvent(.interruptionResumed, at: time)))
            state = previous
            fireDue(upTo: time, into: &actions)

        case (.extend(let amount, let reason), _):
            try extend(by: amount, reason: reason, at: time, into: &actions)

        case (.skip, .step(let progress)), (.skip, .paused(let progress, _)):
            if case .paused = state { actions.append(.record(event(.sessionResumed, at: time, step: progress.index))) }
            actions.append(.record(event(.stepSkipped, at: time, step: progress.index)))
            endStep(progress, at: time, into: &actions)

        case (.skip, .observation):
            actions.append(.record(SessionEvent(.stepSkipped, at: time, stepKind: .observation)))
            actions.append(.record(SessionEvent(.observationEnded, at: time, stepKind: .observation)))
            close(.completed, at: time, into: &actions)

        case (.acknowledge, .overrun):
            actions.append(.record(SessionEvent(.sessionAcknowledged, at: time)))
            close(treatment.observation > .zero ? .observation : .completed, at: time, into: &actions)

        case (.abort, .prepare):
            proceed(to: .aborted(step: nil), at: time, into: &actions)

        case (.abort, .step), (.abort, .paused), (.abort, .overrun), (.abort, .observation):
            let step = currentStepIndex
            if !needlesSettled { actions.append(.record(SessionEvent(.sessionStopped, at: time, step: step))) }
            close(.aborted(step: step), at: time, into: &actions)

        case (.abort, .unaccounted(let since, let then, let escalated)):
            guard case .aborted = then else {
                actions.append(.record(SessionEvent(.sessionStopped, at: time)))
                state = .unaccounted(since: since, then: .aborted(step: nil), escalated: escalated)
                return
            }
            throw reject(
                command, because: "the session is already stopping; count the needles out, or close with a reason")

        case (.finish, .interrupted(_, _, _, let previous)):
            actions.append(.record(SessionEvent(.interruptionFinished, at: time)))
            close(Self.finishing(previous), at: time, into: &actions)

        case (.interrupt, .step), (.interrupt, .paused), (.interrupt, .overrun), (.interrupt, .observation),
            (.interrupt, .unaccounted), (.interrupt, .reconcile):
            state = .interrupted(since: time, escalated: false, resumable: true, previous: state)
            actions.append(.record(SessionEvent(.sessionInterrupted, at: time)))

        case (.interrupt, .sweep):
            // The needles are out: the bed keeps waiting for the sweep (no interrupted alarm).
            actions.append(.record(SessionEvent(.sessionInterrupted, at: time, note: "while waiting for the sweep")))

        case (.checked, _):
            try check(at: time, into: &actions)

        case (.swept, _):
            try sweep(at: time, into: &actions)

        case (.interrupt, .interrupted(_, _, let resumable, let previous)):
            // dwelld restarted again before anyone answered: the alarm starts over.
            state = .interrupted(since: time, escalated: false, resumable: resumable, previous: previous)
            actions.append(.record(SessionEvent(.sessionInterrupted, at: time)))

        case (.silence, .overrun), (.silence, .unaccounted), (.silence, .reconcile), (.silence, .interrupted):
            silence = Silence(until: time + limits.silenceFor, phase: phase)
            actions.append(
                .record(
                    SessionEvent(.alarmSilenced, at: time, note: "buzzer silenced for \(limits.silenceFor.notation)")))

        case (.rapidRemoval, .step), (.rapidRemoval, .paused), (.rapidRemoval, .overrun),
            (.rapidRemoval, .interrupted(_, _, _, .step)), (.rapidRemoval, .interrupted(_, _, _, .paused)),
            (.rapidRemoval, .interrupted(_, _, _, .overrun)):
            removeAtOnce(at: time, into: &actions)

        case (.rapidRemoval, .interrupted(_, _, _, let previous)):
            // Interrupted while the needles were already out or being counted: refused as it is
            // in that phase (rapid removal settles nothing there).
            var underlying = self
            underlying.state = previous
            throw reject(command, because: underlying.reason(for: command))

        case (.reconcile(let recovered), .reconcile(_, let then, _)):
            try reconcile(recovered: recovered, then: then, at: time, into: &actions)

        case (.closeWithMismatch(let reason), .unaccounted(_, let then, _)):
            let stated = reason.trimmingWhitespace
            guard (3...500).contains(stated.count) else {
                throw reject(
                    command,
                    because: "state the reason in 3 to 500 characters (it is recorded as a possible adverse event)")
            }
            actions.append(
                .record(
                    SessionEvent(
                        .mismatchClosed, at: time, needles: needles.difference,
                        note: SessionEvent.adverseEventPrefix + stated, reason: stated)))
            acceptedMismatch = needles.difference
            proceed(to: then, at: time, into: &actions)

        case (.placeNeedles(let count, let step), _) where countsNeedles:
            let index = try placingStep(step, for: command)
            do throws(NeedleCountError) {
                try needles.place(count, at: index)
            } catch {
                throw reject(command, because: error.description)
            }
            actions.append(.record(event(.needlesPlaced, at: time, step: index, needles: count)))
            recheckNeedles(at: time, into: &actions)

        case (.removeNeedles(let count, let step), _) where countsNeedles:
            if let step { _ = try placingStep(step, for: command) }
            let removed: Int
            do throws(NeedleCountError) {
                removed = try needles.remove(count, at: step)
            } catch {
                throw reject(command, because: error.description)
            }
            actions.append(
                .record(
                    step.map { event(.needlesRemoved, at: time, step: $0, needles: removed) }
                        ?? SessionEvent(.needlesRemoved, at: time, needles: removed)))
            recheckNeedles(at: time, into: &actions)

        default:
            throw reject(command, because: reason(for: command))
        }
    }

    /// How `finish` after an interruption closes: complete when every step had run, else aborted.
    static func finishing(_ previous: State) -> Closing {
        switch previous {
        case .reconcile(_, let then, _): return then
        case .overrun, .observation: return .completed
        case .unaccounted(_, .aborted(let step), _): return .aborted(step: step)
        case .unaccounted: return .completed
        case .step(let progress), .paused(let progress, _): return .aborted(step: progress.index)
        case .sweep(_, let then): return then
        case .prepare, .interrupted, .completed, .aborted: return .aborted(step: nil)
        }
    }

    /// Needles can be counted from the start until the session has ended (not while the count
    /// after a rapid removal is awaited).
    private var countsNeedles: Bool {
        switch state {
        // After a rapid removal the count is entered as one number (reconcile) first.
        case .prepare, .reconcile, .sweep, .completed, .aborted: return false
        default: return true
        }
    }

    /// The site step a needle count is about: the one named (its needles must have gone in),
    /// or else the site in progress.
    private func placingStep(_ step: Int?, for command: SessionCommand) throws(CommandRejection) -> Int {
        if let step {
            guard needles.placed[step] != nil else {
                throw reject(command, because: "step \(step) is not a site whose needles have gone in")
            }
            return step
        }
        guard let current = currentStepIndex, needles.placed[current] != nil else {
            throw reject(command, because: "name the site step (`step`): no site is in progress")
        }
        return current
    }

    private func event(_ kind: SessionEvent.Kind, at time: Duration, step: Int, needles count: Int) -> SessionEvent {
        var counted = event(kind, at: time, step: step)
        counted.needles = count
        return counted
    }

    /// After a count changed: an unaccounted alarm whose counts now agree closes as it was
    /// going to; an observation whose counts no longer agree becomes one.
    private mutating func recheckNeedles(at time: Duration, into actions: inout [SessionAction]) {
        switch state {
        case .unaccounted(_, let then, _) where needlesSettled:
            proceed(to: then, at: time, into: &actions)
        case .observation where !needlesSettled:
            close(.completed, at: time, into: &actions)
        default:
            break
        }
    }

    private mutating func extend(
        by amount: Duration, reason given: String?, at time: Duration, into actions: inout [SessionAction]
    ) throws(CommandRejection) {
        let command = SessionCommand.extend(amount, reason: given)
        guard amount > .zero, amount <= SessionCommand.maximumExtension else {
            throw reject(
                command,
                because: "an extension must be more than 0s and at most \(SessionCommand.maximumExtension.notation)")
        }
        let stated = given?.trimmingWhitespace
        if let stated, !(3...500).contains(stated.count) {
            throw reject(
                command, because: "state the reason in 3 to 500 characters (it is recorded with the extension)")
        }
        switch state {
        case .step(var progress):
            let past = try countTowardCeiling(command, adding: amount, stated: stated)
            progress.end += amount
            rearmWarning(&progress, remaining: progress.end - time)
            state = .step(progress)
            actions.append(.record(extended(progress.index, by: amount, at: time, reason: stated, past: past)))
        case .paused(var progress, let since):
            let past = try countTowardCeiling(command, adding: amount, stated: stated)
            progress.end += amount
            rearmWarning(&progress, remaining: progress.end - since)
            state = .paused(progress, since: since)
            actions.append(.record(extended(progress.index, by: amount, at: time, reason: stated, past: past)))
        case .overrun:
            let past = try countTowardCeiling(command, adding: amount, stated: stated)
            // Back to the last site (the rules make the last step a site) for the added time.
            let last = treatment.steps.count - 1
            var progress = StepProgress(index: last, startedAt: time, end: time + amount, warning: .none)
            rearmWarning(&progress, remaining: amount)
            state = .step(progress)
            actions.append(.record(extended(last, by: amount, at: time, reason: stated, past: past)))
        case .observation(let startedAt, let end):
            // The needles are out: observation time is not needle time and has no ceiling.
            state = .observation(startedAt: startedAt, end: end + amount)
            actions.append(
                .record(SessionEvent(.stepExtended, at: time, stepKind: .observation, added: amount, reason: stated)))
        case .prepare, .unaccounted, .reconcile, .interrupted, .sweep, .completed, .aborted:
            throw reject(command, because: reason(for: command))
        }
    }

    /// The needle time after adding `amount`, checked against the clinic's ceilings: past the
    /// longest session it needs a stated reason, past the hard limit it is refused. Counts the
    /// extension when it is taken; returns whether it goes past the longest session.
    private mutating func countTowardCeiling(
        _ command: SessionCommand, adding amount: Duration, stated: String?
    ) throws(CommandRejection) -> Bool {
        let planned = treatment.stepsTotal + extended + amount
        guard planned <= limits.hardLimit else {
            throw reject(
                command,
                because: "it would make \(planned.notation) of needle time, past the clinic's hard limit of "
                    + "\(limits.hardLimit.notation); count the needles out and end the session")
        }
        let longest = limits.sessionLength.upperBound
        if planned > longest, stated == nil {
            throw CommandRejection(
                command: command, phase: phase,
                reason: "it would make \(planned.notation) of needle time, past the clinic's longest session of "
                    + "\(longest.notation); state why (recorded with the extension)",
                needsReason: true)
        }
        extended += amount
        return planned > longest
    }

    /// After an extension the warning comes again if there is time for it.
    private func rearmWarning(_ progress: inout StepProgress, remaining: Duration) {
        guard treatment.steps[progress.index].kind == .site else { return }
        if remaining > treatment.warnBefore { progress.warning = .pending }
    }

    /// A `step.extended` event; the stated reason, if any, is recorded with it (and said in the
    /// note when the extension goes past the clinic's longest session).
    private func extended(
        _ index: Int, by amount: Duration, at time: Duration, reason: String?, past: Bool
    ) -> SessionEvent {
        var extended = event(.stepExtended, at: time, step: index)
        extended.added = amount
        extended.reason = reason
        if past, let reason {
            extended.note =
                "extended by \(amount.notation)\(SessionEvent.pastLongestSession)"
                + "\(limits.sessionLength.upperBound.notation): \(reason)"
        }
        return extended
    }

    func reject(_ command: SessionCommand, because reason: String) -> CommandRejection {
        CommandRejection(command: command, phase: phase, reason: reason)
    }

    private func reason(for command: SessionCommand) -> String {
        switch (command, phase) {
        case (_, .completed), (_, .aborted): return "the session has ended; start a new one"
        case (.start, _): return "the session has already started"
        case (.reconcile, .unaccounted):
            return "the count after the rapid removal is in: count the missing needles out, correct the count in, "
                + "or close with a reason"
        case (.reconcile, _): return "only after a rapid removal is the number of needles recovered entered"
        case (_, .reconcile):
            return "the needles were removed at once: enter how many were recovered (reconcile) first"
        case (.rapidRemoval, .unaccounted):
            return "rapid removal does not settle the needle counts: count the missing needles out, correct the "
                + "count in, or close with a reason"
        case (_, .sweep):
            return "every needle is out: check the couch and floor for stray needles, then confirm (swept)"
        case (_, .prepare): return "the session has not started yet"
        case (.resume, .interrupted): return "the session's protocol has changed since it started; finish it instead"
        case (_, .interrupted): return "dwelld restarted during this session: count the needles, then resume or finish"
        case (_, .unaccounted):
            return
                "the needle counts differ: count the missing needles out, correct the count in, or close with a reason"
        case (.finish, _): return "only an interrupted session is finished this way; use abort"
        case (.resume, _): return "the session is not paused"
        case (.pause, .paused): return "the session is already paused"
        case (.acknowledge, .paused) where pauseAlarm != nil:
            return "the pause has gone on too long with needles in: its alarm ends when the session resumes, "
                + "is aborted, or every needle is counted out"
        case (.acknowledge, _): return "there is nothing to acknowledge until the last step has ended"
        case (.silence, .paused) where pauseAlarm != nil:
            return "a pause's alarm ends when the session resumes, every needle is counted out, or it is aborted"
        case (.silence, _): return "there is no alarm to silence"
        case (.closeWithMismatch, _): return "the needle counts agree; nothing to close with a reason"
        case (.rapidRemoval, .observation): return "the needles are already out; the patient is resting"
        case (.pause, .overrun), (.skip, .overrun):
            return "the last step has ended: count the needles out and acknowledge, or extend"
        case (.pause, .observation): return "observation cannot be paused; extend or skip it"
        default: return "not possible in this phase"
        }
    }
}

extension SessionEvent {
    /// How a `needles.mismatch-closed` note begins, before the therapist's reason.
    public static let adverseEventPrefix = "possible adverse event: "
    /// What a `step.extended` note says, before the limit, when the extension went past the
    /// clinic's longest session (and so needed its reason): a safety event, unlike a reason given
    /// unasked within the limit.
    public static let pastLongestSession = " past the clinic's longest session of "
}

extension String {
    var trimmingWhitespace: String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
