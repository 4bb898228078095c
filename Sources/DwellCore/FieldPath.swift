/// Where in a protocol a problem is: `steps[2].dwell`, `length`, or the whole document (empty).
public struct FieldPath: Hashable, Sendable, CustomStringConvertible {
    public enum Component: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    public var components: [Component]

    public init(_ components: [Component] = []) { self.components = components }

    public static let root = FieldPath()

    public static func key(_ name: String) -> FieldPath { FieldPath([.key(name)]) }

    public func appending(_ key: String) -> FieldPath { FieldPath(components + [.key(key)]) }

    public func appending(index: Int) -> FieldPath { FieldPath(components + [.index(index)]) }

    /// The path without its last component (the parent mapping or list).
    public var parent: FieldPath { FieldPath(Array(components.dropLast())) }

    public var description: String {
        var text = ""
        for component in components {
            switch component {
            case .key(let key): text += text.isEmpty ? key : ".\(key)"
            case .index(let index): text += "[\(index)]"
            }
        }
        return text.isEmpty ? "(document)" : text
    }
}

/// A semantic problem with a decoded protocol, at a field.
public struct RuleViolation: Equatable, Sendable, CustomStringConvertible {
    public var field: FieldPath
    public var message: String

    public init(_ field: FieldPath, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}
