import Foundation

extension YAMLDocument {
    /// Larger files (protocols, board files, the daemon config) are refused before they are read.
    package static let maximumFileSize = 1 << 20

    /// The bytes of a YAML file and their text: a regular file (not a device or a folder) of at
    /// most ``maximumFileSize`` bytes, in UTF-8, the first byte that is not being placed.
    /// `kind` names the file in the size message, e.g. "a protocol file".
    package static func read(_ path: String, kind: String) -> Result<(text: String, data: Data), FileFailure> {
        func fail(_ message: String, line: Int = 1, column: Int = 1) -> Result<(text: String, data: Data), FileFailure>
        {
            .failure(FileFailure([FileDiagnostic(path: path, line: line, column: column, message: message)]))
        }
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            return fail("cannot read the file: \(error.localizedDescription)")
        }
        guard attributes[.type] as? FileAttributeType == .typeRegular else {
            return fail("not a regular file")
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        guard size <= maximumFileSize else {
            return fail("the file is \(size) bytes; \(kind) is limited to \(maximumFileSize) bytes (1 MiB)")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            return fail("cannot read the file: \(error.localizedDescription)")
        }
        guard data.count <= maximumFileSize else {
            return fail("the file grew past \(maximumFileSize) bytes (1 MiB) while being read")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            let (line, column) = firstInvalidUTF8(in: data)
            return fail(
                "the file is not valid UTF-8 text (first bad byte here); save it as UTF-8", line: line, column: column)
        }
        return .success((text, data))
    }

    /// The line and column (counted in characters) of the first byte that is not UTF-8.
    static func firstInvalidUTF8(in data: Data) -> (line: Int, column: Int) {
        var bytes = data.makeIterator()
        var decoder = UTF8()
        var (line, column) = (1, 1)
        while case .scalarValue(let scalar) = decoder.decode(&bytes) {
            if scalar == "\n" { (line, column) = (line + 1, 1) } else { column += 1 }
        }
        return (line, column)
    }
}
