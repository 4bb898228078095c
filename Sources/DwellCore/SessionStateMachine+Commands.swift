/// Commands. Each either applies completely or throws a ``CommandRejection`` and changes
/// nothing. Callers first ``SessionStateMachine/advance(to:)`` to the command's time, so that
/// every deadline before it has fired.
extension SessionStateMachine {
    public mutating func handle(_ command: SessionCommand, at time: Duration) throws(CommandRejection) -> [SessionAction] {
        let at = max(now, time)
        var next = self
        next.now = at
        var actions: [SessionAction] = []
        try next.apply(command, at: at, into: &actions)
        next.finish(&actions, signalSince: at)
        self = next
        return actions
    }

    private mutating func apply(_ command: SessionCommand, at time: Duration, into actions: inout [SessionAction]) throws(CommandRejection) {
        switch (command, state) {
        case (.start, .prepare):
            actions.append(.record(SessionEvent(.sessionStarted, at: time)))
            begin(step: 0, at: time, into: &actions)

        case (.pause, .step(let progress)):
            state = .paused(progress, since: time)
            actions.append(.record(event(.sessionPaused, at: time, step: progress.index)))

        case (.resume, .paused(var progress, let since)):
            progress.end += time - since
            state = .step(progress)
            actions.append(.record(event(.sessionResumed, at: time, step: progress.index)))

        case (.extend(let amount), _):
            try extend(by: amount, at: time, into: &actions)

        case (.skip, .step(let progress)), (.skip, .paused(let progress, _)):
            if case .paused = state { actions.append(.record(event(.sessionResumed, at: time, step: progress.index))) }
            actions.append(.record(event(.stepSkipped, at: time, step: progress.index)))
            endStep(progress, at: time, into: &actions)

        case (.skip, .observation):
            actions.append(.record(SessionEvent(.stepSkipped, at: time, stepKind: .observation)))
            actions.append(.record(SessionEvent(.observationEnded, at: time, stepKind: .observation)))
            complete(at: time, into: &actions)

        case (.acknowledge, .overrun):
            actions.append(.record(SessionEvent(.sessionAcknowledged, at: time)))
            if treatment.observation > .zero {
                state = .observation(startedAt: time, end: time + treatment.observation)
                actions.append(.record(SessionEvent(.observationStarted, at: time, stepKind: .observation)))
            } else {
                complete(at: time, into: &actions)
            }

        case (.abort, .prepare), (.abort, .step), (.abort, .paused), (.abort, .overrun), (.abort, .observation):
            let step = currentStepIndex
            state = .aborted(at: time)
            actions.append(.record(SessionEvent(.sessionAborted, at: time, step: step)))

        default:
            throw reject(command, because: reason(for: command))
        }
    }

    private mutating func extend(by amount: Duration, at time: Duration, into actions: inout [SessionAction]) throws(CommandRejection) {
        let command = SessionCommand.extend(amount)
        guard amount > .zero, amount <= SessionCommand.maximumExtension else {
            throw reject(command, because: "an extension must be more than 0s and at most \(SessionCommand.maximumExtension.notation)")
        }
        switch state {
        case .step(var progress):
            progress.end += amount
            rearmWarning(&progress, remaining: progress.end - time)
            state = .step(progress)
            actions.append(.record(extended(progress.index, by: amount, at: time)))
        case .paused(var progress, let since):
            progress.end += amount
            rearmWarning(&progress, remaining: progress.end - since)
            state = .paused(progress, since: since)
            actions.append(.record(extended(progress.index, by: amount, at: time)))
        case .overrun:
            // Back to the last site (the rules make the last step a site) for the added time.
            let last = treatment.steps.count - 1
            var progress = StepProgress(index: last, startedAt: time, end: time + amount, warning: .none)
            rearmWarning(&progress, remaining: amount)
            state = .step(progress)
            actions.append(.record(extended(last, by: amount, at: time)))
        case .observation(let startedAt, let end):
            state = .observation(startedAt: startedAt, end: end + amount)
            actions.append(.record(SessionEvent(.stepExtended, at: time, stepKind: .observation, added: amount)))
        case .prepare, .completed, .aborted:
            throw reject(command, because: reason(for: command))
        }
    }

    /// After an extension the warning comes again if there is time for it.
    private func rearmWarning(_ progress: inout StepProgress, remaining: Duration) {
        guard treatment.steps[progress.index].kind == .site else { return }
        if remaining > treatment.warnBefore { progress.warning = .pending }
    }

    private func extended(_ index: Int, by amount: Duration, at time: Duration) -> SessionEvent {
        var extended = event(.stepExtended, at: time, step: index)
        extended.added = amount
        return extended
    }

    private func reject(_ command: SessionCommand, because reason: String) -> CommandRejection {
        CommandRejection(command: command, phase: phase, reason: reason)
    }

    private func reason(for command: SessionCommand) -> String {
        switch (command, phase) {
        case (_, .completed), (_, .aborted): return "the session has ended; start a new one"
        case (.start, _): return "the session has already started"
        case (_, .prepare): return "the session has not started yet"
        case (.resume, _): return "the session is not paused"
        case (.pause, .paused): return "the session is already paused"
        case (.acknowledge, _): return "there is nothing to acknowledge until the last step has ended"
        case (.pause, .overrun), (.skip, .overrun):
            return "the last step has ended: acknowledge once the needles are out, or extend"
        case (.pause, .observation): return "observation cannot be paused; extend or skip it"
        default: return "not possible in this phase"
        }
    }
}
