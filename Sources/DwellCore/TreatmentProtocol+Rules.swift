/// The semantic rules a decoded protocol must satisfy. The file decoder checks shapes and types;
/// these rules check meaning, and each violation names the field it is about.
extension TreatmentProtocol {
    public static let maximumNeedlesPerSite = 30

    public func violations(limits: ClinicLimits = .standard) -> [RuleViolation] {
        var found: [RuleViolation] = []
        if !Self.isIdentifier(id) {
            found.append(
                .init(.key("id"), "`\(id)` may use only lowercase letters, digits and `-` (e.g. `neck-shoulder`)"))
        }
        if title.trimmingSpaces.isEmpty { found.append(.init(.key("title"), "must not be empty")) }
        if version < 1 { found.append(.init(.key("version"), "must be 1 or more, not \(version)")) }
        if warnBefore <= .zero { found.append(.init(.key("warn_before"), "must be more than 0s")) }
        if observation < .zero { found.append(.init(.key("observation"), "must not be negative")) }
        found += stepViolations()
        let total = stepsTotal
        if let length, length != total {
            found.append(
                .init(
                    .key("length"),
                    "is \(length.notation) but the steps add up to \(total.notation); correct one of them"))
        }
        if steps.contains(where: { $0.site != nil }) && !limits.sessionLength.contains(total) {
            let range = "\(limits.sessionLength.lowerBound.notation) to \(limits.sessionLength.upperBound.notation)"
            found.append(
                .init(
                    .key("steps"),
                    "the steps add up to \(total.notation), outside the clinic's session length of \(range)"))
        }
        return found
    }

    static func isIdentifier(_ text: String) -> Bool {
        !text.isEmpty
            && text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    private func stepViolations() -> [RuleViolation] {
        guard !steps.isEmpty else { return [.init(.key("steps"), "needs at least one site step")] }
        var found: [RuleViolation] = []
        var seenSites: [String: Int] = [:]
        for (index, step) in steps.enumerated() {
            let path = FieldPath.key("steps").appending(index: index)
            switch step {
            case .rest(let rest):
                if rest.duration <= .zero { found.append(.init(path.appending("rest"), "must be more than 0s")) }
                if index == 0 {
                    found.append(.init(path, "a protocol starts with a site step, not a rest"))
                } else if index == steps.count - 1 {
                    found.append(
                        .init(path, "a protocol ends with a site step; use `observation` for rest after the last site"))
                } else if case .rest = steps[index - 1] {
                    found.append(.init(path, "two rests in a row; merge them into one"))
                }
            case .site(let site):
                found += siteViolations(site, at: path)
                if let first = seenSites[site.site] {
                    found.append(
                        .init(
                            path.appending("site"),
                            "`\(site.site)` is already used by steps[\(first)]; site ids must be unique"))
                } else {
                    seenSites[site.site] = index
                }
            }
        }
        if seenSites.isEmpty { found.append(.init(.key("steps"), "needs at least one site step")) }
        return found
    }

    private func siteViolations(_ site: SiteStep, at path: FieldPath) -> [RuleViolation] {
        var found: [RuleViolation] = []
        if !Self.isIdentifier(site.site) {
            found.append(.init(path.appending("site"), "`\(site.site)` may use only lowercase letters, digits and `-`"))
        }
        if !(1...Self.maximumNeedlesPerSite).contains(site.needles) {
            found.append(
                .init(path.appending("needles"), "must be 1 to \(Self.maximumNeedlesPerSite), not \(site.needles)"))
        }
        if site.dwell <= .zero { found.append(.init(path.appending("dwell"), "must be more than 0s")) }
        let technique = site.technique ?? self.technique
        if let cadence = site.cadence {
            if technique != .pistoning {
                found.append(
                    .init(
                        path.appending("cadence"),
                        "only pistoning sites have a cadence, and this site is \(technique.rawValue)"))
            } else if !Cadence.allowed.contains(cadence) {
                found.append(
                    .init(
                        path.appending("cadence"),
                        "\(cadence) is outside \(Cadence.allowed.lowerBound) to \(Cadence.allowed.upperBound)"))
            }
        }
        return found
    }
}
