import Foundation

/// Builds the `/api/status` document from the daemon's state.
enum DaemonStatus {
    static func make(_ daemon: GroundStationDaemon, version: String) async -> APIJSON.Status {
        let c = daemon.configuration
        let s = daemon.state
        var devices: [APIJSON.Device] = []
        switch c.hardware.source {
        case .file(let f): devices.append(.init(role: "receiver", kind: "file", address: "\(f.recordings.count) recordings, speed \(f.speed)"))
        case .rtlTCP(let r): devices.append(.init(role: "receiver", kind: "rtl_tcp", address: r.endpoint.description))
        case .sdr(let r):
            let address = r.soapyArguments.map { "soapy:\($0)" } ?? "profile \(r.profile)" + (r.serial.map { ", serial \($0)" } ?? "")
            devices.append(.init(role: "receiver", kind: "sdr", address: address))
        }
        if let r = c.hardware.rotctld { devices.append(.init(role: "rotator", kind: "rotctld", address: r.description)) }
        if let r = c.hardware.rigctld { devices.append(.init(role: "radio", kind: "rigctld", address: r.description)) }
        switch c.storage {
        case .sqlite(let p): devices.append(.init(role: "storage", kind: "sqlite", address: p))
        case .postgresql: devices.append(.init(role: "storage", kind: "postgresql", address: nil))
        }
        let started = s.startedAt
        return APIJSON.Status(
            station: c.station.name, callsign: c.station.callsign, version: version, startedAt: started,
            uptimeSeconds: Date().timeIntervalSince(started), devices: devices, ring: await s.ringTotals,
            currentPasses: Array(await s.current.values).sorted { $0.passID < $1.passID },
            passesObserved: await s.passesObserved, framesStored: await s.framesStored,
            scheduleFinished: await s.scheduleFinished, liveSubscribers: daemon.hub.subscriberCount, lastError: await s.lastError)
    }
}
