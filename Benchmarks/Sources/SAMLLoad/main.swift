// The ACS load test's helper (issue 13); Benchmarks/load.sh drives it and wrk (README.md, "HTTP ACS throughput").
//
// usage: SAMLLoad metadata OUT.xml
//            the fixture IdP's metadata (key idp-rsa2048) for the SP's SAML_IDP_METADATA
//        SAMLLoad prepare --port P --count N --threads T --out DIR [--connections 4] [--workers 2] [--lifetime 1800]
//            N pending logins from GET /saml/login on 127.0.0.1:P (POST binding), then N unique signed responses
//            answering them (not timed by anyone): DIR/bodies.0..T-1 for wrk's threads, DIR/pending.tsv
//        SAMLLoad bare --port P --metadata IDP.xml --pending DIR/pending.tsv --out FILE [--workers 2] [--seconds 5]
//            bare ServiceProvider.validate throughput over those responses (the SP need not run)
//        SAMLLoad report --bare FILE --out FILE DIR…
//            the table (stdout) and the JSON from each store's DIR/wrk.json and DIR/measure.env
import Foundation

struct Options {
    var values: [String: String] = [:]
    var positional: [String] = []

    init(_ args: ArraySlice<String>) {
        var i = args.startIndex
        while i < args.endIndex {
            if args[i].hasPrefix("--"), i + 1 < args.endIndex {
                values[String(args[i].dropFirst(2))] = args[i + 1]
                i += 2
            } else {
                positional.append(args[i])
                i += 1
            }
        }
    }

    func string(_ key: String) throws -> String {
        guard let value = values[key] else { throw LoadError("--\(key) is required") }
        return value
    }

    func int(_ key: String, _ fallback: Int? = nil) throws -> Int {
        guard let text = values[key] else {
            if let fallback { return fallback }
            throw LoadError("--\(key) is required")
        }
        guard let value = Int(text), value > 0 else { throw LoadError("--\(key) must be a positive integer") }
        return value
    }

    func double(_ key: String, _ fallback: Double) throws -> Double {
        guard let text = values[key] else { return fallback }
        guard let value = Double(text), value > 0 else { throw LoadError("--\(key) must be a positive number") }
        return value
    }
}

func log(_ text: String) { FileHandle.standardError.write(Data("SAMLLoad: \(text)\n".utf8)) }

func run() async throws {
    let args = CommandLine.arguments
    guard args.count >= 2 else { throw LoadError("usage: SAMLLoad metadata|prepare|bare|report …") }
    let options = Options(args.dropFirst(2))
    switch args[1] {
    case "metadata":
        guard let out = options.positional.first else { throw LoadError("usage: SAMLLoad metadata OUT.xml") }
        try Data(try LoadIdentities.idpMetadata().utf8).write(to: URL(fileURLWithPath: out))

    case "prepare":
        let port = try options.int("port"), count = try options.int("count"), threads = try options.int("threads")
        let identities = LoadIdentities(baseURL: "http://127.0.0.1:\(port)")
        var start = nanos()
        let logins = try fetchPendingLogins(port: port, count: count, connections: try options.int("connections", 4))
        log("\(count) pending logins in \(String(format: "%.1f", Double(nanos() - start) / 1e9)) s")
        start = nanos()
        let responses = try signResponses(answering: logins, identities: identities, lifetime: try options.double("lifetime", 1800),
                                          workers: try options.int("workers", 2))
        log("\(count) responses signed in \(String(format: "%.1f", Double(nanos() - start) / 1e9)) s " +
            "(\(responses.first.map { $0.utf8.count } ?? 0) base64 bytes each)")
        try writeLoadFiles(logins: logins, responses: responses, threads: threads, directory: URL(fileURLWithPath: try options.string("out")))

    case "bare":
        let identities = LoadIdentities(baseURL: "http://127.0.0.1:\(try options.int("port"))")
        let metadata = Array(try Data(contentsOf: URL(fileURLWithPath: try options.string("metadata"))))
        let logins = try readPrepared(URL(fileURLWithPath: try options.string("pending")))
        let result = try await measureBareValidate(identities: identities, metadata: metadata, logins: logins, workers: try options.int("workers", 2),
                                                   seconds: try options.double("seconds", 5), warmup: 500)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(result).write(to: URL(fileURLWithPath: try options.string("out")))
        log("bare validate: \(Int(result.perSecond))/s with \(result.workers) tasks, \(String(format: "%.3f", result.cpuMillisecondsPerValidation)) " +
            "CPU ms each, \(result.errors) errors")

    case "report":
        try report(directories: options.positional.map { URL(fileURLWithPath: $0) }, bareFile: URL(fileURLWithPath: try options.string("bare")),
                   output: URL(fileURLWithPath: try options.string("out")))

    default:
        throw LoadError("unknown command \(args[1])")
    }
}

do {
    try await run()
} catch {
    log("\(error)")
    exit(1)
}
