/// What the clinic, not a protocol file, decides: the allowed session length and the alarm timing.
public struct ClinicLimits: Equatable, Sendable {
    /// The sum of a protocol's steps must lie within this range, inclusive.
    public var sessionLength: ClosedRange<Duration>
    /// How long an overrun may go unacknowledged before the alarm escalates.
    public var escalateAfter: Duration
    /// How long `silence` quiets an alarm before it sounds again.
    public var silenceFor: Duration
    /// The needle time (the steps plus every extension of them) no session may pass, whatever
    /// the reason. Past `sessionLength`'s upper bound an extension needs a stated reason.
    public var hardLimit: Duration
    /// How long a session may stay paused with needles in before the pause becomes an alarm
    /// (medium priority, escalating after `escalateAfter` like an overrun).
    public var pauseLimit: Duration
    /// How long a bed with a session in progress (needles in, or timing) may go untouched before
    /// a low-priority check-in cue asks a therapist to look in (`checked`, or any command on the
    /// bed, resets it); nil: no check-in reminder.
    public var checkEvery: Duration?
    /// Whether a session that had needles waits in `sweep` ("couch and floor checked") after its
    /// last needle is counted out, before it reads completed (or aborted).
    public var sweep: Bool

    public init(
        sessionLength: ClosedRange<Duration> = .seconds(600)...Duration.seconds(900),
        escalateAfter: Duration = .seconds(60), silenceFor: Duration = .seconds(120),
        hardLimit: Duration = .seconds(1_800), pauseLimit: Duration = .seconds(180), checkEvery: Duration? = nil,
        sweep: Bool = false
    ) {
        self.sessionLength = sessionLength
        self.escalateAfter = escalateAfter
        self.silenceFor = silenceFor
        self.hardLimit = hardLimit
        self.pauseLimit = pauseLimit
        self.checkEvery = checkEvery
        self.sweep = sweep
    }

    public static let standard = ClinicLimits()
}
