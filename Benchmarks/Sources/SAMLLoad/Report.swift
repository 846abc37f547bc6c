import Foundation

/// What `load.lua` prints in wrk's `done` (one JSON line after `LOADJSON `).
struct WrkSummary: Codable {
    struct Latency: Codable {
        var p50: Double, p90: Double, p99: Double, p999: Double, max: Double, mean: Double
    }
    var requests: Int
    var durationMicroseconds: Double
    var answered303: Int
    var otherStatus: Int
    var exhausted: Int
    var connectErrors: Int, readErrors: Int, writeErrors: Int, timeouts: Int
    var latencyMicroseconds: Latency
}

/// One store's row of the report.
struct StoreResult: Codable {
    var store: String
    var loginsPrepared: Int
    var wrkThreads: Int
    var wrkConnections: Int
    var databasePoolSize: Int?
    var seconds: Double
    var logins: Int
    var loginsPerSecond: Double
    var p50Milliseconds: Double
    var p90Milliseconds: Double
    var p99Milliseconds: Double
    var maxMilliseconds: Double
    var errors: Int
    var errorDetail: String
    var spCPUMillisecondsPerLogin: Double
    var databaseCPUMillisecondsPerLogin: Double?
    var serverCPUMillisecondsPerLogin: Double
    var clientCPUMillisecondsPerLogin: Double
    /// Cores busy on the whole machine during the run (from /proc/stat), and how many of them went to processes
    /// other than the SP, the database and wrk (other people's work on a shared machine).
    var machineBusyCores: Double
    var otherProcessesCores: Double
    var loadAverageBefore: Double
    /// HTTP logins/s ÷ bare validations/s.
    var throughputRatio: Double
    /// Bare CPU ms per validation ÷ server (SP + database) CPU ms per login: ≥ 0.77 means HTTP + stores cost ≤ 30% more.
    var cpuRatio: Double
}

struct LoadReport: Codable {
    var machine: String
    var date: String
    var bare: BareResult
    var stores: [StoreResult]
}

/// `KEY=value` lines, as load.sh writes them.
func readEnvironmentFile(_ url: URL) throws -> [String: String] {
    var values: [String: String] = [:]
    for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") {
        guard let eq = line.firstIndex(of: "=") else { continue }
        values[String(line[..<eq])] = String(line[line.index(after: eq)...])
    }
    return values
}

func storeResult(directory: URL, bare: BareResult) throws -> StoreResult {
    let measured = try readEnvironmentFile(directory.appendingPathComponent("measure.env"))
    let wrk = try JSONDecoder().decode(WrkSummary.self, from: Data(contentsOf: directory.appendingPathComponent("wrk.json")))
    func number(_ key: String) throws -> Double {
        guard let text = measured[key], let value = Double(text) else { throw LoadError("\(directory.path)/measure.env: no \(key)") }
        return value
    }
    let seconds = wrk.durationMicroseconds / 1e6
    let logins = wrk.answered303
    let tick = try number("clk_tck")
    let perLogin = { (cpuSeconds: Double) in cpuSeconds * 1000 / Double(max(1, logins)) }
    let sp = perLogin(try number("sp_cpu_ticks") / tick)
    let database = measured["db_cpu_ticks"].flatMap(Double.init).map { perLogin($0 / tick) }
    let server = sp + (database ?? 0)
    let socketErrors = wrk.connectErrors + wrk.readErrors + wrk.writeErrors + wrk.timeouts
    var detail: [String] = []
    if wrk.otherStatus > 0 { detail.append("\(wrk.otherStatus) answers other than 303") }
    if wrk.exhausted > 0 { detail.append("\(wrk.exhausted) requests after the prepared logins ran out") }
    if socketErrors > 0 {
        detail.append("socket: connect \(wrk.connectErrors), read \(wrk.readErrors), write \(wrk.writeErrors), timeout \(wrk.timeouts)")
    }
    let rate = Double(logins) / seconds
    let busyCores = try number("machine_busy_jiffies") / number("machine_total_jiffies") * number("cores")
    let ownCores = (try number("sp_cpu_ticks") + (measured["db_cpu_ticks"].flatMap(Double.init) ?? 0)) / tick / seconds
        + (try number("wrk_cpu_seconds")) / seconds
    return StoreResult(
        store: measured["store"] ?? directory.lastPathComponent, loginsPrepared: Int(try number("logins_prepared")),
        wrkThreads: Int(try number("wrk_threads")), wrkConnections: Int(try number("wrk_connections")),
        databasePoolSize: measured["db_pool_size"].flatMap(Int.init), seconds: seconds, logins: logins, loginsPerSecond: rate,
        p50Milliseconds: wrk.latencyMicroseconds.p50 / 1000, p90Milliseconds: wrk.latencyMicroseconds.p90 / 1000,
        p99Milliseconds: wrk.latencyMicroseconds.p99 / 1000, maxMilliseconds: wrk.latencyMicroseconds.max / 1000,
        errors: wrk.otherStatus + socketErrors, errorDetail: detail.isEmpty ? "none" : detail.joined(separator: "; "),
        spCPUMillisecondsPerLogin: sp, databaseCPUMillisecondsPerLogin: database, serverCPUMillisecondsPerLogin: server,
        clientCPUMillisecondsPerLogin: perLogin(try number("wrk_cpu_seconds")), machineBusyCores: busyCores,
        otherProcessesCores: max(0, busyCores - ownCores), loadAverageBefore: try number("load_average_before"),
        throughputRatio: rate / bare.perSecond, cpuRatio: bare.cpuMillisecondsPerValidation / server)
}

func machine() -> String {
    let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
        .split(separator: "\n").first { $0.hasPrefix("model name") }
        .map { $0.split(separator: ":", maxSplits: 1).last!.trimmingCharacters(in: .whitespaces) } ?? "?"
    return "\(cpu), \(ProcessInfo.processInfo.activeProcessorCount) cores"
}

/// Prints the Markdown table and the verdicts on the aims, and writes the JSON.
func report(directories: [URL], bareFile: URL, output: URL) throws {
    let bare = try JSONDecoder().decode(BareResult.self, from: Data(contentsOf: bareFile))
    let stores = try directories.map { try storeResult(directory: $0, bare: bare) }
    let date = ISO8601DateFormatter().string(from: Date())
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(LoadReport(machine: machine(), date: date, bare: bare, stores: stores)).write(to: output)

    func f(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }
    print("## HTTP ACS throughput\n")
    print("machine: \(machine()); \(date)\n")
    print("| run | logins/s | p50 ms | p99 ms | max ms | errors | server CPU ms/login (SP + DB) | wrk CPU ms/login | cores busy (others) | throughput ÷ bare | bare CPU ÷ server CPU |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print("| bare `validate`, \(bare.workers) tasks, in-memory replay cache | \(Int(bare.perSecond.rounded())) | \(f(bare.p50Milliseconds)) " +
          "| \(f(bare.p99Milliseconds)) | | \(bare.errors) | \(f(bare.cpuMillisecondsPerValidation, 3)) | | \(f(bare.coresUsed)) (\(f(bare.otherProcessesCores))) | 1 | 1 |")
    for s in stores {
        let cpu = s.databaseCPUMillisecondsPerLogin.map { "\(f(s.serverCPUMillisecondsPerLogin, 3)) (\(f(s.spCPUMillisecondsPerLogin, 3)) + \(f($0, 3)))" }
            ?? f(s.serverCPUMillisecondsPerLogin, 3)
        print("| HTTP ACS, \(s.store) | \(Int(s.loginsPerSecond.rounded())) | \(f(s.p50Milliseconds)) | \(f(s.p99Milliseconds)) | \(f(s.maxMilliseconds, 1)) " +
              "| \(s.errors) | \(cpu) | \(f(s.clientCPUMillisecondsPerLogin, 3)) | \(f(s.machineBusyCores)) (\(f(s.otherProcessesCores))) | \(f(s.throughputRatio)) | \(f(s.cpuRatio)) |")
    }
    print("")
    for s in stores {
        print("- \(s.store): \(s.logins) logins in \(f(s.seconds, 1)) s (wrk -t\(s.wrkThreads) -c\(s.wrkConnections)" +
              (s.databasePoolSize.map { ", pool \($0)" } ?? "") + ", \(s.loginsPrepared) prepared); errors: \(s.errorDetail)")
    }
    print("- bare validate: \(bare.validations) validations in \(f(bare.seconds, 1)) s, \(bare.passes) passes over the prepared responses; " +
          "for comparison, one `WebForm.parse` of the same ACS form body costs \(f(bare.formParseCPUMilliseconds, 3)) CPU ms")
    // About 0.1 core of "others" in a SQLite run is the kernel's block-I/O workers serving the SP's fsyncs.
    if bare.otherProcessesCores > 0.2 || stores.contains(where: { $0.otherProcessesCores > 0.2 }) {
        print("- **other processes used CPU during a measurement** (column \"others\"): its throughput is lower than on a quiet machine " +
              "(CPU per login is hardly affected); run again when the machine is idle")
    }
    if let bareError = bare.firstError { print("- bare validate: \(bare.errors) failed, first: \(bareError)") }
    print("")
    for s in stores {
        switch s.store {
        case "sqlite":
            print("- aim (SQLite: HTTP + stores ≤ 30% over bare validate, ratio ≥ 0.77): CPU per login \(f(s.cpuRatio)) " +
                  "\(s.cpuRatio >= 0.77 ? "met" : "**missed**"); throughput \(f(s.throughputRatio)) \(s.throughputRatio >= 0.77 ? "met" : "**missed**")")
        case "postgres":
            let met = s.loginsPerSecond >= 1000 && s.p99Milliseconds < 50 && s.errors == 0
            print("- aim (PostgreSQL: ≥ 1,000 logins/s, p99 < 50 ms, 0 errors): \(Int(s.loginsPerSecond.rounded()))/s, p99 \(f(s.p99Milliseconds)) ms, " +
                  "\(s.errors) errors: \(met ? "met" : "**missed**")")
        default: break
        }
    }
    print("\nJSON: \(output.path)")
}
