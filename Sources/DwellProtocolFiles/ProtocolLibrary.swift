import Crypto
import DwellCore
import DwellYAML
import Foundation

/// A protocol as loaded from a file, with where it came from.
public struct LoadedProtocol: Sendable {
    public var path: String
    public var treatment: TreatmentProtocol
    public var idLine: Int
    public var idColumn: Int
    /// SHA-256 of the file's bytes as loaded (hex), so the record shows exactly which text ran.
    public var sha256: String
}

/// Loads protocol files and folders the way `dwell protocol validate` and the daemon do:
/// every file is read in full, every problem is reported, and a bad file never stops the others.
public struct ProtocolLibrary: Sendable {
    /// Larger files are refused before they are read.
    public static let maximumFileSize = 1 << 20
    public static let extensions: Set<String> = ["yaml", "yml"]

    public var protocols: [LoadedProtocol] = []
    public var diagnostics: [FileDiagnostic] = []

    public var isValid: Bool { diagnostics.isEmpty }

    /// Loads files and folders (a folder's `*.yaml` / `*.yml` files, not its subfolders), then
    /// checks that protocol ids are unique across everything loaded.
    public static func load(_ paths: [String], limits: ClinicLimits = .standard) -> ProtocolLibrary {
        var library = ProtocolLibrary()
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                library.diagnostics.append(FileDiagnostic(path: path, message: "no such file or folder"))
                continue
            }
            if isDirectory.boolValue {
                let files = protocolFiles(in: path, library: &library)
                for file in files { library.add(loadFile(file, limits: limits)) }
            } else {
                library.add(loadFile(path, limits: limits))
            }
        }
        library.reportDuplicateIDs()
        return library
    }

    /// Loads one file.
    public static func loadFile(_ path: String, limits: ClinicLimits = .standard) -> Result<LoadedProtocol, FileFailure> {
        func fail(_ message: String, line: Int = 1, column: Int = 1) -> Result<LoadedProtocol, FileFailure> {
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
            return fail("the file is \(size) bytes; protocol files are limited to \(maximumFileSize) bytes (1 MiB)")
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
            return fail("the file is not valid UTF-8 text (first bad byte here); save it as UTF-8", line: line, column: column)
        }
        let digest = SHA256.hash(data: data).map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
        return ProtocolDecoder.decode(text, path: path, limits: limits).map {
            LoadedProtocol(path: path, treatment: $0.treatment, idLine: $0.idLine, idColumn: $0.idColumn, sha256: digest)
        }
    }

    private mutating func add(_ result: Result<LoadedProtocol, FileFailure>) {
        switch result {
        case .success(let loaded): protocols.append(loaded)
        case .failure(let failure): diagnostics += failure.diagnostics
        }
    }

    private static func protocolFiles(in folder: String, library: inout ProtocolLibrary) -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            library.diagnostics.append(FileDiagnostic(path: folder, message: "cannot list the folder: \(error.localizedDescription)"))
            return []
        }
        let base = folder.hasSuffix("/") ? folder : folder + "/"
        return names.filter { !$0.hasPrefix(".") && extensions.contains(($0 as NSString).pathExtension.lowercased()) }
            .sorted()
            .map { base + $0 }
    }

    private mutating func reportDuplicateIDs() {
        let groups = Dictionary(grouping: protocols, by: \.treatment.id).filter { $0.value.count > 1 }
        for (id, copies) in groups.sorted(by: { $0.key < $1.key }) {
            for (index, copy) in copies.enumerated() {
                // At most three other files are named (linear in the copies, however many).
                let others = copies.indices.lazy.filter { $0 != index }.prefix(3).map { copies[$0].path }
                let more = copies.count - 1 - others.count
                let named = others.joined(separator: ", ") + (more > 0 ? " and \(more) more files" : "")
                diagnostics.append(FileDiagnostic(
                    path: copy.path, line: copy.idLine, column: copy.idColumn, field: .key("id"),
                    message: "`\(id)` is also the id of \(named); protocol ids must be unique"))
            }
        }
        let duplicated = Set(groups.keys)
        protocols.removeAll { duplicated.contains($0.treatment.id) }
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
