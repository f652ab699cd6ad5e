import ArgumentParser

@main
struct GSD: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gsd",
        abstract: "Satellite ground-station stack: receive, demodulate, deframe and publish telemetry.",
        version: GSDVersion.string,
        subcommands: [VersionCommand.self, ReplayCommand.self, ListenCommand.self, SatellitesCommand.self, KissCommand.self, CCSDSCommand.self, PropagateCommand.self, PassesCommand.self, TrackCommand.self, BenchCommand.self, TNCCommand.self, RTLTCPServeCommand.self, RecordCommand.self, RunCommand.self, StatusCommand.self, DevicesCommand.self, TelemetryCommand.self]
    )
}
