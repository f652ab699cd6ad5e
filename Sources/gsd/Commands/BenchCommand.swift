import ArgumentParser
import Foundation

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run a named benchmark and print its figure.",
        discussion: "Build with -c release for meaningful numbers. Names: "
            + BenchmarkCatalog.all.map(\.name).joined(separator: ", "))

    @Argument(help: "Benchmark name (see --list).")
    var name: String?

    @Flag(help: "Print one JSON object {\"benchmark\", \"value\", \"unit\"}.")
    var json = false

    @Flag(help: "List the benchmarks and exit.")
    var list = false

    func run() async throws {
        if list || name == nil {
            for b in BenchmarkCatalog.all {
                print("\(b.name)\t\(b.unit)\t\(b.summary)")
            }
            return
        }
        guard let name, let bench = BenchmarkCatalog.named(name) else {
            throw ValidationError(
                "unknown benchmark '\(name ?? "")'; known: \(BenchmarkCatalog.all.map(\.name).joined(separator: ", "))")
        }
        let value = try await bench.run()
        if json {
            let rounded = (value * 1000).rounded() / 1000
            print("{\"benchmark\": \"\(bench.name)\", \"value\": \(rounded), \"unit\": \"\(bench.unit)\"}")
        } else {
            print("\(bench.name): \(String(format: "%.3f", value)) \(bench.unit)")
        }
    }
}
