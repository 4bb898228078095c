/// A deterministic source of randomness (SplitMix64): the same seed gives the same cases on
/// every machine, so a failing case is reproduced by its seed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Mutates YAML text the way a hurried editor, a bad merge or a hostile file would: characters
/// and YAML punctuation inserted, lines deleted, repeated, swapped, re-indented and spliced in
/// from other seeds, numbers and durations pushed to their extremes, aliases and tags added.
struct Mutator {
    var random: SplitMix64
    let corpus: [String]

    static let tokens = [
        ":", "-", " ", "\n", "[", "]", "{", "}", ",", "&a", "*a", "!!str", "!!int", "!!binary", "!custom", "? ", "---",
        "...",
        "<<: *a", "|", ">", "#", "\"", "'", "\t", "%YAML 1.1\n", "\u{FEFF}", "\u{0}", "\u{85}", "\u{2028}", "é", "🪡",
        "1e999", "99999999999999999999", "-1", "0", "0x7f", "0o17", ".nan", "-.inf", "~", "null", "true", "no",
        "1h61m", "0s", "-5m", "1.5Hz", "999Hz", "2147483648s", "9223372036854775807ms", "1m30", "30 s", "∞",
        "steps:", "- site: x", "- rest: 1m", "needles: 31", "dwell: 1s", "technique: pistoning", "cadence: 2Hz",
        "beds:", "outputs:", "line: 3", "chip: gpiochip0", "active_low: maybe", "bias: pull-up", "clinic:",
        "listen: 127.evil.example:8470", "listen: [::1]:1", "beds: [true, 1.5, null]", "silence_for: 24h",
        "allowed_hosts: [a]",
    ]

    init(seed: UInt64, corpus: [String]) {
        random = SplitMix64(seed: seed)
        self.corpus = corpus
    }

    mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &random)] }

    mutating func chance(_ oneIn: Int) -> Bool { Int.random(in: 0..<oneIn, using: &random) == 0 }

    /// One case: a seed from the corpus with 1 to 8 mutations.
    mutating func next() -> String {
        var text = Array(pick(corpus).unicodeScalars)
        for _ in 0..<Int.random(in: 1...8, using: &random) { mutate(&text) }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: text)
        return String(result)
    }

    private mutating func position(in text: [Unicode.Scalar]) -> Int { Int.random(in: 0...text.count, using: &random) }

    private mutating func mutate(_ text: inout [Unicode.Scalar]) {
        switch Int.random(in: 0..<10, using: &random) {
        case 0:  // insert a token
            text.insert(contentsOf: pick(Self.tokens).unicodeScalars, at: position(in: text))
        case 1:  // replace a character with punctuation or a random scalar
            guard !text.isEmpty else { return }
            let index = Int.random(in: 0..<text.count, using: &random)
            text[index] =
                chance(3)
                ? Unicode.Scalar(UInt8.random(in: 0...127, using: &random))
                : pick(Array(":-[]{}&*!|>#\"' \n\t,?%@`".unicodeScalars))
        case 2:  // delete a range
            guard !text.isEmpty else { return }
            let start = Int.random(in: 0..<text.count, using: &random)
            text.removeSubrange(start..<min(text.count, start + Int.random(in: 1...40, using: &random)))
        case 3, 4:  // line edits
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(Array.init)
            guard !lines.isEmpty else { return }
            let index = Int.random(in: 0..<lines.count, using: &random)
            switch Int.random(in: 0..<5, using: &random) {
            case 0: lines.remove(at: index)
            case 1: lines.insert(contentsOf: Array(repeating: lines[index], count: chance(10) ? 500 : 2), at: index)
            case 2: lines.swapAt(index, Int.random(in: 0..<lines.count, using: &random))
            case 3:
                lines[index].insert(
                    contentsOf: Array(repeating: " ", count: Int.random(in: 1...6, using: &random)), at: 0)
            default: if lines[index].first == " " { lines[index].removeFirst() }
            }
            text = Array(lines.joined(separator: ["\n"]))
        case 5:  // splice in part of another seed
            let other = Array(pick(corpus).unicodeScalars)
            guard !other.isEmpty else { return }
            let start = Int.random(in: 0..<other.count, using: &random)
            let piece = other[start..<min(other.count, start + Int.random(in: 1...200, using: &random))]
            text.insert(contentsOf: piece, at: position(in: text))
        case 6:  // a value pushed to an extreme: digits repeated
            guard let index = text.indices.filter({ ("0"..."9").contains(text[$0]) }).randomElement(using: &random)
            else { return }
            text.insert(
                contentsOf: Array(repeating: text[index], count: Int.random(in: 1...30, using: &random)), at: index)
        case 7:  // a long word
            text.insert(
                contentsOf: Array(
                    repeating: pick(Array("ax-1 :".unicodeScalars)), count: Int.random(in: 100...5_000, using: &random)),
                at: position(in: text))
        case 8:  // deep nesting
            let open = pick(["[", "{", "- ", "a: "])
            text.insert(
                contentsOf: String(repeating: open, count: Int.random(in: 10...1_200, using: &random)).unicodeScalars,
                at: position(in: text))
        default:  // truncate
            text.removeSubrange(position(in: text)..<text.count)
        }
    }
}
