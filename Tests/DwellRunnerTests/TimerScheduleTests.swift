import Testing

@testable import DwellRunner

/// The timer thread's heap against a plain model (a list searched in full): thousands of random
/// schedules, cancellations and pops, seeded, must give the same actions in the same order.
struct TimerScheduleTests {
    /// The obvious implementation: every entry in a list, the live ones found by a full scan.
    struct Model {
        var entries: [(deadline: Int64, sequence: Int, owner: Int, generation: Int, action: Int)] = []
        var generations: [Int: Int] = [:]
        var sequence = 0

        mutating func schedule(_ action: Int, at deadline: Int64, owner: Int) {
            sequence += 1
            entries.append((deadline, sequence, owner, generations[owner, default: 0], action))
        }

        mutating func cancel(owner: Int) { generations[owner, default: 0] += 1 }

        func live() -> [(deadline: Int64, sequence: Int, owner: Int, generation: Int, action: Int)] {
            entries.filter { generations[$0.owner, default: 0] == $0.generation }
                .sorted { ($0.deadline, $0.sequence) < ($1.deadline, $1.sequence) }
        }

        mutating func popDue(now: Int64) -> [Int] {
            let due = live().filter { $0.deadline <= now }
            entries.removeAll { $0.deadline <= now }
            return due.map(\.action)
        }
    }

    /// A small seeded generator (SplitMix64), so a failure can be replayed.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test(arguments: [1, 2, 3, 42])
    func randomOperationsMatchTheModel(seed: UInt64) {
        var random = Seeded(state: seed)
        var schedule = TimerSchedule<Int>()
        var model = Model()
        var now: Int64 = 0
        var nextAction = 0
        for step in 0..<5_000 {
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<5:
                nextAction += 1
                // Few distinct deadlines and owners: ties and shared owners are common.
                let deadline = now + Int64.random(in: -5...40, using: &random)
                let owner = Int.random(in: 1...6, using: &random)
                schedule.schedule(nextAction, at: deadline, owner: owner)
                model.schedule(nextAction, at: deadline, owner: owner)
            case 5..<7:
                let owner = Int.random(in: 1...6, using: &random)
                schedule.cancel(owner: owner)
                model.cancel(owner: owner)
            case 7:
                #expect(schedule.nextDeadline() == model.live().first?.deadline, "step \(step), seed \(seed)")
            default:
                now += Int64.random(in: 0...15, using: &random)
                let popped = schedule.popDue(now: now)
                let expected = model.popDue(now: now)
                #expect(popped == expected, "step \(step), seed \(seed), now \(now)")
            }
        }
        let rest = schedule.popDue(now: .max)
        #expect(rest == model.popDue(now: .max), "the rest, seed \(seed)")
        #expect(schedule.storedCount == 0)
        #expect(schedule.nextDeadline() == nil)
    }

    @Test func aCancelledOwnerSchedulesAfreshInItsNewGeneration() {
        var schedule = TimerSchedule<String>()
        schedule.schedule("old edge", at: 10, owner: 1)
        schedule.schedule("other bed", at: 15, owner: 2)
        schedule.cancel(owner: 1)
        schedule.schedule("new edge", at: 20, owner: 1)
        #expect(schedule.nextDeadline() == 15, "the stale entry at 10 is dropped on the way")
        #expect(schedule.popDue(now: 100) == ["other bed", "new edge"])
    }

    @Test func equalDeadlinesRunInTheOrderTheyWereScheduled() {
        var schedule = TimerSchedule<Int>()
        for action in 0..<50 { schedule.schedule(action, at: 7, owner: action % 3) }
        #expect(schedule.popDue(now: 6).isEmpty)
        #expect(schedule.popDue(now: 7) == Array(0..<50))
    }
}
