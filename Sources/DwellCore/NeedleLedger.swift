/// Clean-needle practice: count them in, count them out. Needles placed are counted per site
/// step (the protocol's number when the step starts, corrected by the therapist); needles
/// removed per site, or at the end without a site, which settles the sites still holding
/// needles in step order. More removed than placed is kept as `surplus`: the counts still differ.
public struct NeedleLedger: Equatable, Sendable {
    /// Needles placed, by step index (site steps that have started).
    public private(set) var placed: [Int: Int] = [:]
    /// Needles removed, by step index.
    public private(set) var removed: [Int: Int] = [:]
    /// Needles counted out beyond what was counted in.
    public private(set) var surplus = 0

    public static let maximumPerSite = 99

    public init() {}

    public var totalPlaced: Int { placed.values.reduce(0, +) }
    public var totalRemoved: Int { removed.values.reduce(0, +) + surplus }
    /// Placed − removed: needles that may still be in the patient (negative: more out than in).
    public var difference: Int { totalPlaced - totalRemoved }
    public var isBalanced: Bool { difference == 0 }

    /// Still in at one site.
    public func outstanding(at step: Int) -> Int { (placed[step] ?? 0) - (removed[step] ?? 0) }

    /// Sets the count placed at a site. Fewer than are already counted out there is refused.
    public mutating func place(_ count: Int, at step: Int) throws(NeedleCountError) {
        guard (0...Self.maximumPerSite).contains(count) else { throw .outOfRange(count) }
        guard count >= (removed[step] ?? 0) else { throw .belowRemoved(placed: count, removed: removed[step] ?? 0) }
        placed[step] = count
    }

    /// Counts needles out at a site (at most what is still in there), or anywhere (`step` nil):
    /// the sites with needles in are settled in step order and any rest is surplus.
    /// `count` nil removes every needle still in (at the site, or everywhere). Returns how many.
    public mutating func remove(_ count: Int?, at step: Int?) throws(NeedleCountError) -> Int {
        if let count, !(1...Self.maximumPerSite).contains(count) { throw .outOfRange(count) }
        if let step {
            let left = outstanding(at: step)
            let taking = count ?? left
            guard taking >= 1 || count != nil else { throw .nothingToRemove }
            guard taking >= 1, taking <= left else { throw .moreThanPlaced(removing: taking, left: left) }
            removed[step, default: 0] += taking
            return taking
        }
        let left = placed.keys.reduce(0) { $0 + max(0, outstanding(at: $1)) }
        var rest = count ?? left
        guard rest >= 1 else { throw .nothingToRemove }
        let taken = rest
        for index in placed.keys.sorted() where rest > 0 {
            let taking = min(rest, max(0, outstanding(at: index)))
            removed[index, default: 0] += taking
            rest -= taking
        }
        surplus += rest
        return taken
    }
}

extension NeedleLedger {
    /// Counts `count` needles out anywhere, however many (the count recovered after a rapid
    /// removal); past what is still in, the rest is surplus.
    public mutating func recover(_ count: Int) {
        var rest = max(count, 0)
        while rest > 0 {
            let taking = min(rest, Self.maximumPerSite)
            _ = try? remove(taking, at: nil)
            rest -= taking
        }
    }
}

/// A needle count the ledger refuses; nothing changed.
public enum NeedleCountError: Error, Equatable, Sendable, CustomStringConvertible {
    case outOfRange(Int)
    case belowRemoved(placed: Int, removed: Int)
    case moreThanPlaced(removing: Int, left: Int)
    case nothingToRemove

    public var description: String {
        switch self {
        case .outOfRange(let count): return "a needle count must be 0 to \(NeedleLedger.maximumPerSite), not \(count)"
        case .belowRemoved(let placed, let removed):
            return
                "\(removed) needle\(removed == 1 ? " was" : "s were") already counted out at this site; it cannot have had only \(placed)"
        case .moreThanPlaced(let removing, let left):
            return
                "only \(left) needle\(left == 1 ? " is" : "s are") counted in at this site, not \(removing); count extra needles out without a site"
        case .nothingToRemove: return "no needle is still counted in there; nothing to remove"
        }
    }
}
