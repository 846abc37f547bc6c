import Foundation

/// Monotonic nanoseconds.
@inline(__always)
func nanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// One thing to time: a name and a body that does one operation (and throws if the operation failed).
struct Case {
    let name: String
    let body: () async throws -> Void
}

/// Per-operation times of one case, one value per round (nanoseconds per operation, averaged over the batch).
struct Timings {
    var perOp: [Double] = []
    var median: Double { percentile(perOp, 0.5) }
    var p10: Double { percentile(perOp, 0.1) }
    var p90: Double { percentile(perOp, 0.9) }
    var minimum: Double { perOp.min() ?? .nan }
    /// Relative spread: (p90 - p10) / median.
    var spread: Double { (p90 - p10) / median }
}

func percentile(_ values: [Double], _ q: Double) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    let position = q * Double(sorted.count - 1)
    let low = Int(position.rounded(.down)), high = Int(position.rounded(.up))
    return sorted[low] + (sorted[high] - sorted[low]) * (position - Double(low))
}

/// The method: every case is warmed up (at least `warmup` seconds and 20 operations), a batch size is chosen per
/// case so that a batch lasts about `batch` seconds, then `rounds` rounds run; in each round every case runs one
/// batch, in an order rotated from round to round (so that load from other processes on the shared cores falls on
/// all cases alike). The result per case is the per-operation time of each round; ratios are taken per round
/// (paired) and their median reported.
func measure(_ cases: [Case], rounds: Int, batch: Double, warmup: Double) async throws -> [Timings] {
    var batchSizes: [Int] = []
    for c in cases {
        let start = nanos()
        var n = 0
        while n < 20 || Double(nanos() - start) < warmup * 1e9 {
            try await c.body()
            n += 1
        }
        let perOp = Double(nanos() - start) / Double(n)
        batchSizes.append(max(1, Int(batch * 1e9 / perOp)))
    }
    var results = [Timings](repeating: Timings(), count: cases.count)
    for round in 0..<rounds {
        for k in 0..<cases.count {
            let i = (k + round) % cases.count
            let c = cases[i], n = batchSizes[i]
            let start = nanos()
            for _ in 0..<n { try await c.body() }
            results[i].perOp.append(Double(nanos() - start) / Double(n))
        }
    }
    return results
}

/// Median of the per-round ratios a[r] / b[r].
func pairedRatio(_ a: Timings, _ b: Timings) -> Double {
    percentile(zip(a.perOp, b.perOp).map { $0 / $1 }, 0.5)
}

/// Operations per second of `workers` concurrent child tasks running `body` in a loop for `seconds`.
func throughput(workers: Int, seconds: Double, _ body: @escaping @Sendable () async throws -> Void) async throws -> Double {
    let deadline = nanos() + UInt64(seconds * 1e9)
    let start = nanos()
    let total = try await withThrowingTaskGroup(of: Int.self) { group in
        for _ in 0..<workers {
            group.addTask {
                var n = 0
                while nanos() < deadline {
                    try await body()
                    n += 1
                }
                return n
            }
        }
        return try await group.reduce(0, +)
    }
    return Double(total) / (Double(nanos() - start) / 1e9)
}

/// Resident set size and its peak, from /proc/self/status (kB).
func residentSet() -> (rss: Int, peak: Int) {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (0, 0) }
    func field(_ name: String) -> Int {
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "0") ?? 0
        }
        return 0
    }
    return (field("VmRSS:"), field("VmHWM:"))
}

func micros(_ ns: Double) -> String { String(format: ns >= 100_000 ? "%.0f" : "%.1f", ns / 1000) }
