import DwellCore

extension SessionRunner {
    /// Carries out the machine's actions. `wokeAt` is when the timer fired (nil for commands,
    /// which happen when they arrive); each cue's lateness is measured against its own deadline.
    func perform(_ actions: [SessionAction], lateness wokeAt: C.Instant?) {
        for action in actions {
            switch action {
            case .record(let event):
                let lateness = wokeAt.map { max(.zero, instant(at: event.at).duration(to: $0)) }
                report(.event(event, lateness: lateness))
                for scripted in script where scripted.after == event.kind {
                    pendingCommands.append((event.at + scripted.delay, scripted.command))
                }
                script.removeAll { $0.after == event.kind }
            case .show(let signal, let since):
                // Under a patient call the lamps keep the call's pattern (and its anchor).
                let shown = signal.withCall(callSince != nil)
                if shown != .calling || displayed != .calling {
                    lamps.show(shown.patterns(fault: fault), since: since)
                    displayed = shown
                }
                report(.signal(signal, at: since))
            case .wake(let offset):
                machineWake = offset
            }
        }
    }

    /// The timer fired: run every deadline, scripted command and lamp edge due at its target.
    func fire(generation fired: Int) {
        guard fired == generation, let target = timer?.target else { return }
        let wokeAt = clock.now
        timer = nil
        wakeCount += 1
        perform(machine.advance(to: target), lateness: wokeAt)
        while let index = pendingCommands.firstIndex(where: { $0.at <= target }) {
            let (_, command) = pendingCommands.remove(at: index)
            do throws(CommandRejection) {
                perform(try machine.handle(command, at: target), lateness: nil)
            } catch {
                report(.rejected(error))
            }
        }
        driveLamps(at: target, lateness: max(.zero, instant(at: target).duration(to: wokeAt)))
        rearm()
    }

    func report(_ report: RunnerReport) {
        sender.send(report)
    }

    /// Sets the lamps to their levels at `offset` and reports what changed.
    func driveLamps(at offset: Duration, lateness: Duration) {
        guard !halted, edges == nil else { return }
        let changes = lamps.changes(at: offset, lateness: lateness)
        guard !changes.isEmpty else { return }
        do {
            try output.apply(changes)
        } catch {
            raiseFault(error.message, at: offset, fromOutput: true)
        }
        report(.lamps(changes))
    }

    func raiseFault(_ message: String, at offset: Duration, fromOutput: Bool) {
        report(.fault(message, at: offset))
        let was = fault
        if fromOutput { outputFault = true } else { recordFault = true }
        guard !was else { return }
        lamps.show(shownSignal.patterns(fault: true), since: lamps.anchor)
        displayed = shownSignal
    }

    /// Points the single timer at the earliest of: the machine's deadline, the next lamp edge,
    /// the next scripted command. Ends the report stream once the session is over.
    func rearm() {
        guard !halted else { return }
        let now = origin == nil ? .zero : sessionOffset(of: clock.now)
        driveLamps(at: max(now, lamps.lastDriven), lateness: .zero)
        edges?.show(lamps.patterns, since: lamps.anchor, upcoming: upcomingChange())
        let lampEdge = edges == nil ? lamps.nextEdge(after: lamps.lastDriven) : nil
        let candidates = [machineWake, lampEdge, pendingCommands.map(\.at).min()]
        guard let next = candidates.compactMap({ $0 }).min() else {
            timer?.task.cancel()
            timer = nil
            if machine.isFinished { sender.finish() }
            return
        }
        if let timer, timer.target == next { return }
        timer?.task.cancel()
        generation += 1
        let fired = generation
        let deadline = instant(at: next)
        let clock = self.clock
        // On the runner's thread from start to end, when it has one: resumed by the timer
        // thread, the task goes straight there, never through the cooperative pool.
        let task = Task(executorPreference: home.taskExecutor) {
            do {
                try await clock.sleep(until: deadline, tolerance: .zero)
            } catch {
                return
            }
            await self.fire(generation: fired)
        }
        timer = (task, next)
    }
}

/// The patterns a bed shows and the level each line was last driven to.
struct LampTimeline {
    private(set) var patterns: [Lamp: Pattern] = [:]
    private(set) var anchor: Duration = .zero
    private(set) var levels: [Lamp: Bool] = [:]
    private(set) var lastDriven: Duration = .zero

    init() {}

    /// A timeline on a new origin whose lines stand at `levels` (they are where they are).
    init(levels: [Lamp: Bool]) { self.levels = levels }

    mutating func show(_ patterns: [Lamp: Pattern], since: Duration) {
        self.patterns = patterns
        anchor = since
    }

    mutating func changes(at offset: Duration, lateness: Duration) -> [LampChange] {
        lastDriven = max(lastDriven, offset)
        var changes: [LampChange] = []
        for lamp in Lamp.allCases {
            let level = patterns[lamp]?.level(at: offset - anchor) ?? false
            if level != (levels[lamp] ?? false) {
                levels[lamp] = level
                changes.append(LampChange(lamp: lamp, on: level, at: offset, lateness: lateness))
            }
        }
        return changes
    }

    func nextEdge(after offset: Duration) -> Duration? {
        patterns.values.compactMap { $0.nextChange(after: offset - anchor) }.min().map { anchor + $0 }
    }
}
