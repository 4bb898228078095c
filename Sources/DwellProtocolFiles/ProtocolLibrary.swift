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
    public static func loadFile(_ path: String, limits: ClinicLimits = .standard) -> Result<LoadedProtocol, FileFailure>
    {
        YAMLDocument.read(path, kind: "a protocol file").flatMap { file in
            let digest = SHA256.hash(data: file.data).map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }
                .joined()
            return ProtocolDecoder.decode(file.text, path: path, limits: limits).map {
                LoadedProtocol(
                    path: path, treatment: $0.treatment, idLine: $0.idLine, idColumn: $0.idColumn, sha256: digest)
            }
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
            library.diagnostics.append(
                FileDiagnostic(path: folder, message: "cannot list the folder: \(error.localizedDescription)"))
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
                diagnostics.append(
                    FileDiagnostic(
                        path: copy.path, line: copy.idLine, column: copy.idColumn, field: .key("id"),
                        message: "`\(id)` is also the id of \(named); protocol ids must be unique"))
            }
        }
        let duplicated = Set(groups.keys)
        protocols.removeAll { duplicated.contains($0.treatment.id) }
    }
}
