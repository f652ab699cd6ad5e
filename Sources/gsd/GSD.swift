import ArgumentParser

@main
struct GSD: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gsd",
        abstract: "Satellite ground-station stack: receive, demodulate, deframe and publish telemetry.",
        version: GSDVersion.string,
        subcommands: [VersionCommand.self, ReplayCommand.self, ListenCommand.self, SatellitesCommand.self, KissCommand.self, CCSDSCommand.self, PropagateCommand.self, PassesCommand.self, TrackCommand.self, BenchCommand.self, TNCCommand.self, RTLTCPServeCommand.self, RecordCommand.self, RunCommand.self, StatusCommand.self, DevicesCommand.self, TelemetryCommand.self]
    )

    /// ArgumentParser's own main, plus a last check that stdout took everything (see StandardOutput).
    static func main() async {
        do {
            var command = try parseAsRoot()
            do {
                if var command = command as? AsyncParsableCommand {
                    try await command.run()
                } else {
                    try command.run()
                }
            } catch let e as ValidationError {
                // Thrown while running, it would be shown with the root's usage ("gsd <subcommand>"), which
                // says nothing about the option at fault: the message alone, with the usual status 64.
                printError("Error: \(e.message)")
                exit(withError: ExitCode.validationFailure)
            }
            try StandardOutput.finish()
        } catch {
            exit(withError: error)
        }
    }
}
