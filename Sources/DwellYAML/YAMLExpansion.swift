import CYaml

/// How far a YAML text expands through aliases, read from libyaml's event stream before the
/// document is composed. Composing hashes every mapping key in full, so one alias to a nested
/// "billion laughs" structure used as a key would take minutes; a file that expands to far more
/// nodes than it has bytes is refused at the alias that crosses the limit instead.
///
/// (`CYaml` is the libyaml module Yams is built on; only its event parser is used here.)
enum YAMLExpansion {
    /// Where the alias that crosses `limit` expanded nodes stands (1-based), or nil when the
    /// text stays within it (or has a syntax error, which composing reports).
    static func firstAliasPast(_ limit: Int, in text: String) -> (line: Int, column: Int)? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer -> (line: Int, column: Int)? in
            guard let base = buffer.baseAddress else { return nil }
            yaml_parser_set_input_string(&parser, base, buffer.count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            var sizes: [String: Int] = [:]
            // Open collections: their anchor and the nodes they hold so far.
            var open: [(anchor: String?, nodes: Int)] = []
            var expanded = 0
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) == 1 {
                defer { yaml_event_delete(&event) }
                var closed: (anchor: String?, nodes: Int)?
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return nil
                case YAML_SCALAR_EVENT:
                    closed = (anchorName(event.data.scalar.anchor), 1)
                case YAML_SEQUENCE_START_EVENT:
                    open.append((anchorName(event.data.sequence_start.anchor), 1))
                case YAML_MAPPING_START_EVENT:
                    open.append((anchorName(event.data.mapping_start.anchor), 1))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    closed = open.popLast()
                case YAML_ALIAS_EVENT:
                    let nodes = anchorName(event.data.alias.anchor).flatMap { sizes[$0] } ?? 1
                    expanded += nodes
                    if expanded > limit {
                        return (Int(event.start_mark.line) + 1, Int(event.start_mark.column) + 1)
                    }
                    closed = (nil, nodes)
                default:
                    continue
                }
                if event.type != YAML_ALIAS_EVENT && event.type != YAML_SEQUENCE_END_EVENT
                    && event.type != YAML_MAPPING_END_EVENT
                {
                    expanded += 1
                }
                guard let (anchor, nodes) = closed else { continue }
                if let anchor { sizes[anchor] = nodes }
                if !open.isEmpty { open[open.count - 1].nodes += nodes }
            }
            return nil
        }
    }

    private static func anchorName(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}
