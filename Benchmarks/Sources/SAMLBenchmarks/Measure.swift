import Foundation

/// Monotonic nanoseconds.
@inline(__always)
func nanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// CPU time of the whole process (all threads), in nanoseconds. Time spent descheduled while other processes use
/// the cores does not count, so single-threaded per-operation costs stay comparable on a shared machine.
@inline(__always)
func cpuNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// One thing to time: a name and a body that does one operation (and throws if the operation failed).
struct Case {
    let name: String
    let body: () async throws -> Void
}

/// Per-operation times of one case, one value per round (nanoseconds per operation, averaged over the batch):
/// process CPU time (`perOp`, what the tables report) and wall-clock time (`wallPerOp`).
struct Timings {
    var perOp: [Double] = []
    var wallPerOp: [Double] = []
    var wallMedian: Double { percentile(wallPerOp, 0.5) }
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
/// all cases alike). The result per case is the per-operation time of each round (process CPU time, and wall time
/// beside it); ratios are taken per round (paired) and their median reported.
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
            let start = nanos(), cpuStart = cpuNanos()
            for _ in 0..<n { try await c.body() }
            results[i].perOp.append(Double(cpuNanos() - cpuStart) / Double(n))
            results[i].wallPerOp.append(Double(nanos() - start) / Double(n))
        }
    }
    return results
}

/// The ratio measured op by op: `pairs` times, one operation of `a` and one of `b` back to back (order alternating),
/// each timed alone on the monotonic clock; the result is the median of the per-pair ratios. Load from other
/// processes that lands on one operation of a pair makes an outlier pair, which the median ignores; load that lasts
/// longer than a pair falls on both operations alike. Also returns each side's median time.
func pairedSingleOps(_ a: Case, _ b: Case, pairs: Int) async throws -> (ratio: Double, a: Double, b: Double, p10: Double, p90: Double) {
    var ratios: [Double] = [], ta: [Double] = [], tb: [Double] = []
    ratios.reserveCapacity(pairs)
    for i in 0..<pairs {
        var da = 0.0, db = 0.0
        if i % 2 == 0 {
            let t0 = nanos(); try await a.body(); let t1 = nanos(); try await b.body(); let t2 = nanos()
            da = Double(t1 - t0); db = Double(t2 - t1)
        } else {
            let t0 = nanos(); try await b.body(); let t1 = nanos(); try await a.body(); let t2 = nanos()
            db = Double(t1 - t0); da = Double(t2 - t1)
        }
        ratios.append(da / db); ta.append(da); tb.append(db)
    }
    return (percentile(ratios, 0.5), percentile(ta, 0.5), percentile(tb, 0.5), percentile(ratios, 0.1), percentile(ratios, 0.9))
}

/// Median of the per-round ratios a[r] / b[r].
func pairedRatio(_ a: Timings, _ b: Timings) -> Double {
    percentile(zip(a.perOp, b.perOp).map { $0 / $1 }, 0.5)
}

/// One throughput run: operations per wall-clock second, and per CPU-second of the whole process, and the cores it
/// actually used (CPU time / wall time).
struct Throughput {
    var perSecond: Double
    var perCPUSecond: Double
    var coresUsed: Double
}

/// `workers` concurrent child tasks run `body` in a loop for `seconds`. With a global lock on the path, two workers
/// would use about one core however free the second is; with contention (spinning, cache-line ping-pong), the
/// operations per CPU-second would fall.
func throughput(workers: Int, seconds: Double, _ body: @escaping @Sendable () async throws -> Void) async throws -> Throughput {
    let deadline = nanos() + UInt64(seconds * 1e9)
    let start = nanos(), cpuStart = cpuNanos()
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
    let wall = Double(nanos() - start) / 1e9, cpu = Double(cpuNanos() - cpuStart) / 1e9
    return Throughput(perSecond: Double(total) / wall, perCPUSecond: Double(total) / cpu, coresUsed: cpu / wall)
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
