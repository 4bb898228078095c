import Foundation

/// A process's memory as the kernel counts it, in KiB. The resident set (`VmRSS`) is mostly
/// shared, clean file pages (the binary, the Swift runtime, Foundation, ICU's data) that cost
/// the machine once however many processes map them; what the process itself costs is its
/// anonymous pages (`RssAnon`: heap, stacks), its proportional share (`Pss`), and the pages
/// only it wrote (`Private_Dirty`).
struct DaemonMemory {
    /// `VmHWM`: the peak resident set.
    var peak: Double
    /// `VmRSS` = `RssAnon` + `RssFile` + `RssShmem`.
    var resident: Double
    var anonymous: Double
    var file: Double
    var sharedMemory: Double
    /// `Pss` (smaps_rollup): every page divided by the number of processes mapping it.
    var proportional: Double
    var privateDirty: Double

    init(pid: Int32) throws {
        let status = try Self.fields(of: "/proc/\(pid)/status")
        let rollup = try Self.fields(of: "/proc/\(pid)/smaps_rollup")
        peak = try status.kib("VmHWM")
        resident = try status.kib("VmRSS")
        anonymous = try status.kib("RssAnon")
        file = try status.kib("RssFile")
        sharedMemory = try status.kib("RssShmem")
        proportional = try rollup.kib("Pss")
        privateDirty = try rollup.kib("Private_Dirty")
    }

    struct Fields {
        let path: String
        let values: [String: Double]

        func kib(_ name: String) throws -> Double {
            guard let value = values[name] else { throw BenchError("\(path) has no `\(name):` line in kB") }
            return value
        }
    }

    /// The `Name:   1234 kB` lines of a /proc file.
    static func fields(of path: String) throws -> Fields {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw BenchError("could not read \(path): \(error)")
        }
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count == 3, words[0].hasSuffix(":"), words[2] == "kB", let value = Double(words[1]) else {
                continue
            }
            values[String(words[0].dropLast())] = value
        }
        return Fields(path: path, values: values)
    }
}
