import Foundation
@_spi(Integrations) import SAML
import Synchronization

/// Monotonic nanoseconds.
func nanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// CPU time of the whole process (all threads), in nanoseconds.
func cpuNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

func percentile(_ sorted: [Double], _ q: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let position = q * Double(sorted.count - 1)
    let low = Int(position.rounded(.down)), high = Int(position.rounded(.up))
    return sorted[low] + (sorted[high] - sorted[low]) * (position - Double(low))
}

/// What the bare measurement found.
struct BareResult: Codable {
    var workers: Int
    var validations: Int
    var errors: Int
    /// Passes over the prepared logins (each with a new ServiceProvider, so a new replay cache).
    var passes: Int
    var seconds: Double
    var perSecond: Double
    var cpuMillisecondsPerValidation: Double
    var coresUsed: Double
    /// Cores the rest of the machine kept busy meanwhile (from /proc/stat; 0 where it cannot be read).
    var otherProcessesCores: Double
    var p50Milliseconds: Double
    var p99Milliseconds: Double
    /// CPU ms of one `WebForm.parse` of the ACS form body (a diagnostic, not part of the bare figure).
    var formParseCPUMilliseconds: Double
    var firstError: String?
}

/// One pending login and the response answering it, as `pending.tsv` holds them.
struct PreparedLogin: Sendable {
    let request: PendingRequest
    let samlResponse: String
}

func readPrepared(_ file: URL) throws -> [PreparedLogin] {
    let expires = Date().addingTimeInterval(3600)
    return try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map { line in
        let fields = line.split(separator: "\t")
        guard fields.count == 3 else { throw LoadError("\(file.path): a line without three fields") }
        let request = PendingRequest(relayState: String(fields[0]), requestID: String(fields[1]), identityProvider: LoadIdentities.idpEntityID,
                                     returnTo: "/load", expiresAt: expires)
        return PreparedLogin(request: request, samlResponse: String(fields[2]))
    }
}

/// The workers' shared state in one pass: the next login to validate, and the first failure's text.
final class SharedCursor: Sendable {
    let next = Atomic<Int>(0)
    let firstError = Mutex<String?>(nil)
}

/// Bare `ServiceProvider.validate(samlResponse:relayState:answering:)` over prepared logins: the SP configured as the
/// example configures it (same entityID, ACS URL, IdP metadata; the library's default `InMemoryReplayCache` and
/// `SystemClock`), `workers` concurrent child tasks taking the next login from a shared counter until `seconds` have
/// passed. Each pass over the logins uses a new ServiceProvider (so a new, empty replay cache): every validation is
/// a first sighting and succeeds. `warmup` validations run before timing, on a ServiceProvider of their own.
/// - Throws: configuration errors (a failed validation is counted, not thrown).
func measureBareValidate(identities: LoadIdentities, metadata: [UInt8], logins: [PreparedLogin], workers: Int, seconds: Double,
                         warmup: Int) async throws -> BareResult {
    let configuration = try ServiceProviderConfiguration(entityID: identities.spEntityID, assertionConsumerServiceURL: identities.acsURL,
                                                         singleLogoutServiceURL: identities.sloURL)
    let idp = try IdPMetadata(xml: metadata)
    let warmupSP = try configuration.serviceProvider(identityProviders: [idp])
    for login in logins.prefix(warmup) {
        _ = try await warmupSP.validate(samlResponse: login.samlResponse, relayState: login.request.relayState, answering: login.request)
    }
    let deadline = nanos() + UInt64(seconds * 1e9)
    let machineStart = machineJiffies()
    let start = nanos(), cpuStart = cpuNanos()
    var validations = 0, errors = 0, passes = 0
    var latencies: [Double] = []
    var firstError: String?
    while nanos() < deadline {
        let sp = try configuration.serviceProvider(identityProviders: [idp])
        let shared = SharedCursor()
        let perWorker = await withTaskGroup(of: (count: Int, errors: Int, latencies: [Double]).self) { group in
            for _ in 0..<workers {
                group.addTask {
                    var count = 0, errors = 0
                    var latencies: [Double] = []
                    latencies.reserveCapacity(logins.count / workers + 1)
                    while nanos() < deadline {
                        let i = shared.next.wrappingAdd(1, ordering: .relaxed).oldValue
                        guard i < logins.count else { break }
                        let login = logins[i]
                        let t0 = nanos()
                        do {
                            _ = try await sp.validate(samlResponse: login.samlResponse, relayState: login.request.relayState, answering: login.request)
                            count += 1
                        } catch {
                            errors += 1
                            shared.firstError.withLock { $0 = $0 ?? "\(error)" }
                        }
                        latencies.append(Double(nanos() - t0) / 1e6)
                    }
                    return (count, errors, latencies)
                }
            }
            var all: [(count: Int, errors: Int, latencies: [Double])] = []
            for await result in group { all.append(result) }
            return all
        }
        validations += perWorker.map(\.count).reduce(0, +)
        errors += perWorker.map(\.errors).reduce(0, +)
        latencies += perWorker.flatMap(\.latencies)
        firstError = firstError ?? shared.firstError.withLock { $0 }
        passes += 1
    }
    let wall = Double(nanos() - start) / 1e9, cpu = Double(cpuNanos() - cpuStart) / 1e9
    latencies.sort()
    let machineEnd = machineJiffies()
    let machineCores = Double(ProcessInfo.processInfo.activeProcessorCount)
    let busyCores = machineEnd.total > machineStart.total
        ? Double(machineEnd.busy - machineStart.busy) / Double(machineEnd.total - machineStart.total) * machineCores : cpu / wall
    return BareResult(workers: workers, validations: validations, errors: errors, passes: passes, seconds: wall,
                      perSecond: Double(validations) / wall, cpuMillisecondsPerValidation: cpu * 1000 / Double(max(1, validations + errors)),
                      coresUsed: cpu / wall, otherProcessesCores: max(0, busyCores - cpu / wall), p50Milliseconds: percentile(latencies, 0.5), p99Milliseconds: percentile(latencies, 0.99),
                      formParseCPUMilliseconds: formParseCost(logins), firstError: firstError)
}

/// CPU milliseconds per `WebForm.parse` (what the integrations' ACS route runs on the POST body before `validate`)
/// of the same logins' form bodies, single-threaded, over up to 2,000 bodies: a diagnostic for the report.
func formParseCost(_ logins: [PreparedLogin]) -> Double {
    let bodies = logins.prefix(2_000).map {
        Array("SAMLResponse=\(formEncoded($0.samlResponse))&RelayState=\(formEncoded($0.request.relayState))".utf8)
    }
    for body in bodies.prefix(100) { precondition(WebForm.parse(body)["SAMLResponse"] != nil) }
    let start = cpuNanos()
    var fields = 0
    for body in bodies { fields += WebForm.parse(body).count }
    precondition(fields == 2 * bodies.count)
    return Double(cpuNanos() - start) / 1e6 / Double(max(1, bodies.count))
}

/// Busy and total jiffies of the whole machine, from the `cpu` line of /proc/stat (idle and iowait are not busy);
/// zeros where it cannot be read.
func machineJiffies() -> (busy: Int, total: Int) {
    guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
          let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) else { return (0, 0) }
    let values = line.split(separator: " ").dropFirst().compactMap { Int($0) }
    guard values.count >= 5 else { return (0, 0) }
    let total = values.reduce(0, +)
    return (total - values[3] - values[4], total)
}
