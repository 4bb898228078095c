/// How each signal is rendered on a bed's green, amber and red lamps and its buzzer.
/// The conventions follow IEC 60601-1-8 / IEC 60073 practice:
/// - information is steady light and at most a short pulse; paused "breathes" slowly (amber 3 s
///   on, 1 s off: 0.25 Hz, below the medium-priority band, so it never reads as an alarm);
/// - medium priority flashes at 0.5 Hz (band 0.4–0.8 Hz) with 3-pulse buzzer bursts;
/// - high priority flashes red at 2 Hz, 50 % duty (band 1.4–2.8 Hz, 20–60 %) with 10-pulse
///   bursts (3 + 2, pause, 3 + 2); escalated, amber flashes with it and the bursts come sooner;
/// - a patient call is high priority too, but red and amber flash in turn (2 Hz "wig-wag"), a
///   pattern no needle alarm has, with the high-priority bursts;
/// - low priority (the check-in cue, the sweep before the bed is free) is amber without the
///   0.4–0.8 Hz flash (steady for the check-in, a short blip every 2 s for the sweep) with 2
///   buzzer pulses every 30 s (IEC: 1 or 2 pulses, repeated no sooner than every 15 s);
/// - a silenced alarm is steady amber and red, with the buzzer quiet.
extension IndicatorSignal {
    /// Medium-priority flash: 0.5 Hz, 50 % duty.
    public static let slowFlash = Pattern.flash(period: .seconds(2), dutyPercent: 50)
    /// High-priority flash: 2 Hz, 50 % duty.
    public static let fastFlash = Pattern.flash(period: .milliseconds(500), dutyPercent: 50)
    /// Paused: amber 3 s on, 1 s off ("breathing", 0.25 Hz), unlike any alarm's flash.
    public static let pausedBreath = Pattern.flash(period: .seconds(4), dutyPercent: 75)
    /// A short blip every 2 s: "resting, nothing to do".
    public static let restBlip = Pattern.flash(period: .seconds(2), dutyPercent: 10)
    /// One 200 ms chirp when the signal starts (information).
    public static let chirp = Pattern.bursts(groups: [1], pulse: .milliseconds(200), gap: .zero, every: nil)
    /// Medium-priority audible: 3 pulses 150 ms apart, repeated every 15 s.
    public static let mediumBursts = Pattern.bursts(
        groups: [3], pulse: .milliseconds(150), gap: .milliseconds(150), every: .seconds(15))
    /// High-priority audible: 3 + 2 pulses, a 1 s pause, 3 + 2 again (a 3.6 s burst),
    /// repeated every 8 s, so the silence between bursts is 4.4 s (IEC band 2.5–15 s). Pulses of
    /// 125 ms and gaps of 100 ms sit inside IEC's 75–200 ms and 50–125 ms with room on both sides,
    /// so an edge a few milliseconds late still plays the same alarm (a 125 ms gap would leave none).
    public static let highBursts = Pattern.bursts(
        groups: [3, 2, 3, 2], pulse: .milliseconds(125), gap: highGap,
        groupGaps: [.milliseconds(375), .seconds(1), .milliseconds(375)], every: .seconds(8))
    /// The gap between high-priority pulses of one group (IEC 60601-1-8: 50–125 ms).
    public static let highGap = Duration.milliseconds(100)
    /// Escalated high priority: the same bursts with the shortest silence IEC allows (2.5 s).
    public static let urgentBursts = Pattern.bursts(
        groups: [3, 2, 3, 2], pulse: .milliseconds(125), gap: highGap,
        groupGaps: [.milliseconds(375), .seconds(1), .milliseconds(375)], every: .milliseconds(6_100))
    /// A patient call's amber: the fast flash's off phase first, so amber is lit while red is dark.
    public static let fastFlashAlternate = Pattern(
        segments: [.init(on: false, length: .milliseconds(250)), .init(on: true, length: .milliseconds(250))],
        repeats: true)
    /// The sweep's amber: a 200 ms blip every 2 s (10 % duty, unlike the medium-priority flash).
    public static let sweepBlip = Pattern.flash(period: .seconds(2), dutyPercent: 10)
    /// Low-priority audible: 2 pulses 150 ms apart, repeated every 30 s.
    public static let lowBursts = Pattern.bursts(
        groups: [2], pulse: .milliseconds(150), gap: .milliseconds(150), every: .seconds(30))
    /// The indicator a fault shows on top of whatever the session signals.
    public static let faultLamp: Lamp = .red

    /// The patterns for each lamp of a bed. A fault lights red steadily unless the session
    /// already uses red for a higher-priority alarm.
    public func patterns(fault: Bool = false) -> [Lamp: Pattern] {
        var lamps: [Lamp: Pattern] = [.green: .off, .amber: .off, .red: .off, .buzzer: .off]
        switch self {
        case .idle:
            break
        case .running(let cadence?):
            let beat = Pattern.flash(period: cadence.period, dutyPercent: 50)
            lamps[.green] = beat
            lamps[.buzzer] = Pattern(
                segments: [
                    .init(on: true, length: .milliseconds(30)),
                    .init(on: false, length: cadence.period - .milliseconds(30)),
                ],
                repeats: true)
        case .running(nil):
            lamps[.green] = .steady
        case .warning:
            lamps[.green] = .steady
            lamps[.amber] = .steady
            lamps[.buzzer] = Self.chirp
        case .rest:
            lamps[.green] = Self.restBlip
        case .paused:
            lamps[.amber] = Self.pausedBreath
        case .observation:
            lamps[.green] = Self.slowFlash
        case .attention, .pauseOverdue(escalated: false), .reconcile:
            lamps[.amber] = Self.slowFlash
            lamps[.buzzer] = Self.mediumBursts
        case .attentionEscalated, .pauseOverdue(escalated: true), .unaccounted(escalated: false),
            .interrupted(escalated: false), .reconcileEscalated:
            lamps[.red] = Self.fastFlash
            lamps[.buzzer] = Self.highBursts
        case .unaccounted(escalated: true), .interrupted(escalated: true):
            lamps[.red] = Self.fastFlash
            lamps[.amber] = Self.fastFlash
            lamps[.buzzer] = Self.urgentBursts
        case .calling:
            lamps[.red] = Self.fastFlash
            lamps[.amber] = Self.fastFlashAlternate
            lamps[.buzzer] = Self.highBursts
        case .checkDue:
            lamps[.amber] = .steady
            lamps[.buzzer] = Self.lowBursts
        case .sweep:
            lamps[.amber] = Self.sweepBlip
            lamps[.buzzer] = Self.lowBursts
        case .silenced:
            // Unlike any other signal: amber and red both steady, the buzzer quiet.
            lamps[.amber] = .steady
            lamps[.red] = .steady
        }
        if fault && lamps[Self.faultLamp] == .off { lamps[Self.faultLamp] = .steady }
        return lamps
    }
}
