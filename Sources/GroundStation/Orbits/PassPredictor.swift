import Foundation

/// Finds the passes of one satellite over one station.
///
/// Method: elevation is sampled on a coarse grid (period / 180, between 15 s and 5 min); every sign
/// change of (elevation − minimum) is refined by bisection to about 10 ms, and every local maximum of
/// the samples is refined by golden-section search, which also catches brief grazing passes whose peak
/// falls between samples. TCA is the refined maximum inside the pass.
public struct PassPredictor: Sendable {
    public let propagator: SGP4Propagator
    public let observer: LookAngles.Observer
    /// Degrees.
    public let minimumElevation: Double

    /// Root and maximum tolerance, minutes (about 10 ms).
    static let tolerance = 1.0 / 6000

    public init(propagator: SGP4Propagator, station: GeodeticPosition, minimumElevation: Double = 0) {
        self.propagator = propagator
        self.observer = LookAngles.Observer(station)
        self.minimumElevation = minimumElevation
    }

    /// Look angles `t` minutes after the element epoch.
    public func lookAngles(minutesSinceEpoch t: Double) throws(SGP4Error) -> LookAngles {
        let state = try propagator.propagate(minutesSinceEpoch: t)
        let date = propagator.elements.epoch.adding(minutes: t)
        return observer.lookAngles(to: state, at: date)
    }

    /// Look angles at `date`.
    public func lookAngles(at date: JulianDate) throws(SGP4Error) -> LookAngles {
        try lookAngles(minutesSinceEpoch: date.minutes(since: propagator.elements.epoch))
    }

    /// Sampling step in minutes for this satellite.
    var step: Double {
        let period = 1440 / max(propagator.elements.revolutionsPerDay, 1e-3)
        return min(5, max(0.25, period / 180))
    }

    /// Every pass that is above the minimum elevation at some time in `start ... end`. Passes cut by the
    /// window are flagged (`startsBeforeWindow`, `endsAfterWindow`). Throws when the orbit cannot be
    /// propagated somewhere in the window (for example after decay).
    public func passes(from start: JulianDate, to end: JulianDate) throws(SGP4Error) -> [SatellitePass] {
        let epoch = propagator.elements.epoch
        let t0 = start.minutes(since: epoch)
        let t1 = end.minutes(since: epoch)
        guard t1 > t0 else { return [] }
        let h = step
        let count = Int(((t1 - t0) / h).rounded(.up))
        var times: [Double] = []
        var values: [Double] = []
        times.reserveCapacity(count + 1)
        values.reserveCapacity(count + 1)
        for k in 0...count {
            let t = k == count ? t1 : t0 + Double(k) * h
            times.append(t)
            values.append(try height(t))
        }

        // Crossings, in time order: +1 rising, -1 setting.
        var crossings: [(time: Double, rising: Bool)] = []
        // A short high pass (above a high minimum elevation) whose peak lies between the first two samples,
        // both below the threshold and falling: no interior sample is a local maximum there.
        func edgePeak(_ i: Int, _ j: Int) throws(SGP4Error) {
            let (tm, fm) = try maximum(times[i], times[j])
            if fm > 0 {
                crossings.append((try root(times[i], tm, values[i]), true))
                crossings.append((try root(tm, times[j], fm), false))
            }
        }
        if values.count >= 2, values[0] <= 0, values[1] <= 0, values[0] > values[1] { try edgePeak(0, 1) }
        for k in 1..<times.count {
            let a = times[k - 1], b = times[k], fa = values[k - 1], fb = values[k]
            if (fa > 0) != (fb > 0) {
                crossings.append((try root(a, b, fa), fb > 0))
            } else if fa <= 0, fb <= 0, k + 1 < times.count, values[k] >= fa, values[k] >= values[k + 1] {
                // A local maximum below the threshold in the samples: the true peak may poke above it.
                let (tm, fm) = try maximum(a, times[k + 1])
                if fm > 0 {
                    crossings.append((try root(a, tm, fa), true))
                    crossings.append((try root(tm, times[k + 1], fm), false))
                }
            }
        }
        // The same at the window's end: the last two samples below the threshold and rising.
        let n = values.count
        if n >= 3, values[n - 1] <= 0, values[n - 2] <= 0, values[n - 1] > values[n - 2] { try edgePeak(n - 2, n - 1) }

        var passes: [SatellitePass] = []
        var aos: Double? = values[0] > 0 ? t0 : nil
        var aosCut = values[0] > 0
        for c in crossings {
            if c.rising {
                aos = c.time
                aosCut = false
            } else if let a = aos {
                passes.append(try makePass(aos: a, los: c.time, startsBefore: aosCut, endsAfter: false, t0: t0, h: h))
                aos = nil
            }
        }
        if let a = aos, values[values.count - 1] > 0 {
            passes.append(try makePass(aos: a, los: t1, startsBefore: aosCut, endsAfter: true, t0: t0, h: h))
        }
        return passes
    }

    /// Elevation above the minimum, degrees.
    private func height(_ t: Double) throws(SGP4Error) -> Double {
        try lookAngles(minutesSinceEpoch: t).elevation - minimumElevation
    }

    /// Bisection for the sign change of `height` in [a, b] (`fa` = height(a)).
    private func root(_ a: Double, _ b: Double, _ fa: Double) throws(SGP4Error) -> Double {
        var lo = a, hi = b
        let positiveAtLo = fa > 0
        while hi - lo > Self.tolerance {
            let mid = 0.5 * (lo + hi)
            if (try height(mid) > 0) == positiveAtLo { lo = mid } else { hi = mid }
        }
        return 0.5 * (lo + hi)
    }

    /// Golden-section search for the maximum of `height` in [a, b].
    private func maximum(_ a: Double, _ b: Double) throws(SGP4Error) -> (Double, Double) {
        let invPhi = (5.0.squareRoot() - 1) / 2
        var lo = a, hi = b
        var x1 = hi - invPhi * (hi - lo), x2 = lo + invPhi * (hi - lo)
        var f1 = try height(x1), f2 = try height(x2)
        while hi - lo > Self.tolerance {
            if f1 < f2 {
                lo = x1
                x1 = x2
                f1 = f2
                x2 = lo + invPhi * (hi - lo)
                f2 = try height(x2)
            } else {
                hi = x2
                x2 = x1
                f2 = f1
                x1 = hi - invPhi * (hi - lo)
                f1 = try height(x1)
            }
        }
        let tm = 0.5 * (lo + hi)
        return (tm, try height(tm))
    }

    private func makePass(
        aos: Double, los: Double, startsBefore: Bool, endsAfter: Bool, t0: Double, h: Double
    ) throws(SGP4Error) -> SatellitePass {
        // Bracket the highest point on the coarse grid inside the pass, then refine it.
        var best = 0.5 * (aos + los)
        var bestValue = try height(best)
        var t = t0 + ((aos - t0) / h).rounded(.up) * h
        while t < los {
            let v = try height(t)
            if v > bestValue {
                best = t
                bestValue = v
            }
            t += h
        }
        let (tca, _) = try maximum(max(aos, best - h), min(los, best + h))
        let epoch = propagator.elements.epoch
        let atAOS = try lookAngles(minutesSinceEpoch: aos)
        let atTCA = try lookAngles(minutesSinceEpoch: tca)
        let atLOS = try lookAngles(minutesSinceEpoch: los)
        return SatellitePass(
            noradID: propagator.elements.noradID, name: propagator.elements.name,
            aos: epoch.adding(minutes: aos), tca: epoch.adding(minutes: tca), los: epoch.adding(minutes: los),
            maxElevation: atTCA.elevation, aosAzimuth: atAOS.azimuth, tcaAzimuth: atTCA.azimuth,
            losAzimuth: atLOS.azimuth, startsBeforeWindow: startsBefore, endsAfterWindow: endsAfter)
    }
}
