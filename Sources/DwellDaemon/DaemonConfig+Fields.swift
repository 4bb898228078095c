import DwellCore
import DwellYAML
import Yams

/// The config's list and clinic fields, each checked where it is written.
extension DaemonConfig {
    static let clinicKeys = [
        "min_session", "max_session", "hard_limit", "escalate_after", "silence_for", "pause_limit", "aftercare",
        "contraindications", "check_every", "sweep", "therapists",
    ]
    static let itemKeys = ["code", "label", "severity"]

    /// The clinic's allowed ranges: an alarm that waits or stays silent too long (or not at
    /// all) is no alarm, and a session must leave time to count needles in and out.
    static let silenceRange = Duration.seconds(10)...Duration.seconds(600)
    static let escalateRange = Duration.seconds(10)...Duration.seconds(600)
    static let sessionRange = Duration.seconds(60)...Duration.seconds(3_600)
    static let pauseRange = Duration.seconds(30)...Duration.seconds(1_800)
    /// A check-in more often than every minute is a nuisance, rarer than every half hour no check.
    static let checkRange = Duration.seconds(60)...Duration.seconds(1_800)

    /// Bed names: strings, or whole numbers written plainly (`[1, 2]` becomes `["1", "2"]`).
    /// `true`, `1.5`, `null`, lists and mappings are refused where they stand.
    static func beds(_ node: Node, sink: DiagnosticSink) -> [String]? {
        let field = FieldPath.key("beds")
        guard let sequence = node.sequence, !sequence.isEmpty else {
            sink.add(at: node.mark, field, "must be a list of bed names, e.g. `[\"1\", \"2\"]`")
            return nil
        }
        guard sink.spend(sequence.count) else { return nil }
        var names: [String] = []
        var seen: Set<String> = []
        for (index, item) in sequence.enumerated() {
            let path = field.appending(index: index)
            guard let name = bedName(item) else {
                sink.add(
                    at: item.mark, path,
                    "must be a bed name (`\"1\"`, `\"couch-a\"`) or a whole number, not \(describe(item))")
                continue
            }
            guard isBedName(name) else {
                sink.add(at: item.mark, path, "`\(name)` may use only letters, digits and `-`, up to 16 characters")
                continue
            }
            guard seen.insert(name).inserted else {
                sink.add(at: item.mark, path, "`\(name)` is listed twice; bed names must be unique")
                continue
            }
            names.append(name)
        }
        return names.count == sequence.count ? names : nil
    }

    private static func bedName(_ item: Node) -> String? {
        guard let scalar = item.scalar else { return nil }
        switch item.tag.description {
        case Tag.Name.str.rawValue: return scalar.string
        case Tag.Name.int.rawValue: return item.int.map { String($0) }
        default: return nil
        }
    }

    /// How a value reads, for an error about its type.
    static func describe(_ node: Node) -> String {
        if node.sequence != nil { return "a list" }
        if node.mapping != nil { return "a mapping" }
        switch node.tag.description {
        case Tag.Name.null.rawValue: return "an empty value"
        case Tag.Name.bool.rawValue: return "a yes/no value (`\(node.scalar?.string ?? "")`; quote it if it is a name)"
        case Tag.Name.float.rawValue: return "a decimal number (`\(node.scalar?.string ?? "")`)"
        default: return "`\(node.scalar?.string ?? "")`"
        }
    }

    /// `allowed_hosts`: DNS names the API may be reached by (letters, digits, `-` and `.`; no
    /// port, no wildcard), lowercased.
    static func allowedHosts(_ node: Node, sink: DiagnosticSink) -> [String]? {
        let field = FieldPath.key("allowed_hosts")
        guard let sequence = node.sequence else {
            sink.add(at: node.mark, field, "must be a list of host names, e.g. `[dwell-room-3.clinic.example]`")
            return nil
        }
        guard sink.spend(sequence.count) else { return nil }
        var hosts: [String] = []
        var failed = false
        for (index, item) in sequence.enumerated() {
            guard let text = item.scalar?.string, item.tag.description == Tag.Name.str.rawValue else {
                sink.add(at: item.mark, field.appending(index: index), "must be a host name, not \(describe(item))")
                failed = true
                continue
            }
            if let problem = hostNameProblem(text) {
                sink.add(at: item.mark, field.appending(index: index), "`\(text)` \(problem)")
                failed = true
                continue
            }
            var name = text.lowercased()
            if name.hasSuffix(".") { name.removeLast() }
            if !hosts.contains(name) { hosts.append(name) }
        }
        return failed ? nil : hosts
    }

    /// Why `text` is not a DNS host name (RFC 1123: dot-separated labels of 1–63 letters, digits
    /// and `-`, not starting or ending with `-`, 253 characters at most), or nil.
    static func hostNameProblem(_ text: String) -> String? {
        if text.contains(":") { return "is not a host name: give the name alone, without a port or brackets" }
        if text.contains("*") { return "is not a host name: wildcards are not allowed; list each name" }
        var name = Substring(text)
        if name.hasSuffix(".") { name.removeLast() }
        guard !name.isEmpty, name.utf8.count <= 253 else { return "is not a host name (1 to 253 characters)" }
        for label in name.split(separator: ".", omittingEmptySubsequences: false) {
            let valid =
                (1...63).contains(label.utf8.count) && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.unicodeScalars.allSatisfy {
                    $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-")
                }
            if !valid { return "is not a host name: each dot-separated part is 1 to 63 letters, digits or `-`" }
        }
        return nil
    }

    /// The `clinic` mapping: session length, alarm timing, aftercare and checklist items.
    static func clinic(_ node: Node, into config: inout DaemonConfig, sink: DiagnosticSink) {
        guard let clinic = node.mapping else {
            sink.add(
                at: node.mark, .key("clinic"), "must be a mapping with min_session, max_session, escalate_after, …")
            return
        }
        let reader = FieldReader(clinic, at: .key("clinic"), known: clinicKeys, sink: sink)
        let minimum = reader.duration("min_session", within: sessionRange)
        let maximum = reader.duration("max_session", within: sessionRange)
        let lower = minimum?.value ?? config.limits.sessionLength.lowerBound
        let upper = maximum?.value ?? config.limits.sessionLength.upperBound
        if minimum != nil || maximum != nil {
            if lower <= upper {
                config.limits.sessionLength = lower...upper
            } else {
                let (field, mark) = minimum.map { ("min_session", $0.mark) } ?? ("max_session", maximum?.mark)
                sink.add(
                    at: mark ?? clinic.mark, FieldPath.key("clinic").appending(field),
                    "min_session \(lower.notation) is longer than max_session \(upper.notation)")
            }
        }
        if let hard = reader.duration("hard_limit", within: sessionRange) {
            if hard.value >= config.limits.sessionLength.upperBound {
                config.limits.hardLimit = hard.value
            } else {
                sink.add(
                    at: hard.mark, FieldPath.key("clinic").appending("hard_limit"),
                    "hard_limit \(hard.value.notation) is shorter than max_session "
                        + "\(config.limits.sessionLength.upperBound.notation)")
            }
        } else if config.limits.hardLimit < config.limits.sessionLength.upperBound {
            sink.add(
                at: maximum?.mark ?? clinic.mark, FieldPath.key("clinic").appending("max_session"),
                "max_session \(config.limits.sessionLength.upperBound.notation) is longer than the hard limit "
                    + "\(config.limits.hardLimit.notation); set hard_limit too")
        }
        if let escalate = reader.duration("escalate_after", within: escalateRange) {
            config.limits.escalateAfter = escalate.value
        }
        if let silence = reader.duration("silence_for", within: silenceRange) {
            config.limits.silenceFor = silence.value
        }
        if let pause = reader.duration("pause_limit", within: pauseRange) {
            config.limits.pauseLimit = pause.value
        }
        if let check = reader.duration("check_every", within: checkRange) {
            config.limits.checkEvery = check.value
        }
        if let sweep = reader.scalar("sweep") {
            switch sweep.text {
            case "true", "yes", "on": config.limits.sweep = true
            case "false", "no", "off": config.limits.sweep = false
            default:
                sink.add(
                    at: sweep.mark, FieldPath.key("clinic").appending("sweep"), "`\(sweep.text)` must be true or false")
            }
        }
        if let aftercare = reader.string("aftercare") { config.aftercare = aftercare }
        if let items = reader.node("contraindications") {
            config.checklist = Checklist(adding: contraindications(items, sink: sink))
        }
        if let list = reader.node("therapists") { config.therapists = therapists(list, sink: sink) }
    }

    /// The clinic's own checklist items: `[{code, label, severity: absolute|relative}]`.
    static func contraindications(_ node: Node, sink: DiagnosticSink) -> [Contraindication] {
        let field = FieldPath.key("clinic").appending("contraindications")
        guard let sequence = node.sequence else {
            sink.add(at: node.mark, field, "must be a list of {code, label, severity}")
            return []
        }
        var codes = Set(Checklist.standardItems.map(\.code))
        var items: [Contraindication] = []
        for (index, element) in sequence.enumerated() {
            guard sink.spend(1) else { break }
            let path = field.appending(index: index)
            guard let mapping = element.mapping else {
                sink.add(at: element.mark, path, "must be a mapping with code, label and severity")
                continue
            }
            let reader = FieldReader(mapping, at: path, known: itemKeys, sink: sink)
            let code = reader.scalar("code", required: "a short code such as `pacemaker`")
            let label = reader.string("label", required: "the words therapists see")
            let severity = reader.scalar("severity", required: "absolute or relative")
            guard let code, let label, let severity else { continue }
            guard Contraindication.isCode(code.text) else {
                sink.add(
                    at: code.mark, path.appending("code"),
                    "`\(code.text)` must be 2 to 40 lowercase letters, digits or `-`")
                continue
            }
            guard codes.insert(code.text).inserted else {
                sink.add(at: code.mark, path.appending("code"), "`\(code.text)` is already on the checklist")
                continue
            }
            guard (1...160).contains(label.count) else {
                sink.add(at: mapping.mark, path.appending("label"), "must be 1 to 160 characters")
                continue
            }
            guard let kind = Contraindication.Severity(rawValue: severity.text) else {
                sink.add(
                    at: severity.mark, path.appending("severity"), "`\(severity.text)` must be absolute or relative")
                continue
            }
            items.append(Contraindication(code.text, label, kind))
        }
        return items
    }
}
