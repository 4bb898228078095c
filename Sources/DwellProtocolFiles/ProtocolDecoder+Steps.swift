import DwellCore
import DwellYAML
import Yams

extension ProtocolDecoder {
    struct DecodedSteps {
        var steps: [Step] = []
        /// Some step could not be read, so totals over the steps mean nothing.
        var incomplete = false

        mutating func append(_ step: Step, complete: Bool) {
            steps.append(step)
            if !complete { incomplete = true }
        }
    }

    /// Holds the place of a step that is not a site or rest mapping; its problem is reported.
    private static let standIn = Step.site(SiteStep(site: "", needles: 1, dwell: .seconds(1)))

    static func decodeSteps(_ fields: FieldReader, protocolTechnique: Technique?, sink: DiagnosticSink) -> DecodedSteps
    {
        var result = DecodedSteps()
        let path = FieldPath.key("steps")
        guard let node = fields.node("steps") else {
            sink.add(at: fields.mapping.mark, path, "is required: a list of site and rest steps")
            result.incomplete = true
            return result
        }
        guard let sequence = node.sequence else {
            sink.add(at: node.mark, path, "must be a list (each item starting with `- site:` or `- rest:`)")
            result.incomplete = true
            return result
        }
        for (index, item) in sequence.enumerated() {
            guard sink.spend(1) else {
                result.incomplete = true
                break
            }
            let itemPath = path.appending(index: index)
            sink.locate(itemPath, at: item.mark)
            guard let mapping = item.mapping else {
                sink.add(at: item.mark, itemPath, "each step is a mapping with `site:` (a needling site) or `rest:`")
                result.append(standIn, complete: false)
                continue
            }
            let isSite = mapping["site"] != nil
            let isRest = mapping["rest"] != nil
            switch (isSite, isRest) {
            case (true, true):
                sink.add(
                    at: mapping.mark, itemPath,
                    "a step is either a `site` or a `rest`, not both; split it into two steps")
                result.append(standIn, complete: false)
            case (false, false):
                let known = mapping.keys.compactMap(\.string).joined(separator: "`, `")
                sink.add(
                    at: mapping.mark, itemPath, "a step needs `site:` (a needling site) or `rest:`; found `\(known)`")
                result.append(standIn, complete: false)
            case (true, false):
                let reader = FieldReader(mapping, at: itemPath, known: siteKeys, sink: sink, context: "a site step")
                let (step, complete) = decodeSite(reader)
                result.append(.site(step), complete: complete)
            case (false, true):
                let reader = FieldReader(mapping, at: itemPath, known: restKeys, sink: sink, context: "a rest step")
                let duration = reader.duration("rest", required: "how long, e.g. `1m`")
                let rest = RestStep(duration: duration ?? .seconds(1), label: reader.string("label"))
                result.append(.rest(rest), complete: duration != nil)
            }
        }
        return result
    }

    /// A site step, with stand-in values where a field could not be read (`complete` false):
    /// the step keeps its index so that later rules name the right `steps[i]`.
    private static func decodeSite(_ fields: FieldReader) -> (SiteStep, complete: Bool) {
        let site = fields.string("site", required: "the site id, e.g. `upper-trapezius-left`")
        let label = fields.string("label")
        let needles = fields.integer("needles", required: "how many needles go in at this site")
        let dwell = fields.duration("dwell", required: "how long the needles stay in, e.g. `5m`")
        let technique = fields.choice("technique", Technique.self, named: "a technique")
        let cadence = fields.value("cadence", parsedBy: Cadence.parse(notation:))
        let failedOptional = (fields.has("technique") && technique == nil) || (fields.has("cadence") && cadence == nil)
        let complete = site != nil && needles != nil && dwell != nil && !failedOptional
        let step = SiteStep(
            site: site ?? "", label: label, needles: needles ?? 1, dwell: dwell ?? .seconds(1),
            technique: technique, cadence: cadence)
        return (step, complete)
    }
}
