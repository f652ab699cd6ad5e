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

        // Crossings, in time order: +1 rising, -1 setting. The samples stream through a window of three
        // (k - 1, k, k + 1), so memory follows the number of passes, not the length of the window.
        var crossings: [(time: Double, rising: Bool)] = []
        // A local maximum of the samples at or below the threshold: the true peak between the outer two
        // samples may poke above it. Also used for a short high pass (above a high minimum elevation)
        // whose peak lies between the first or last two samples.
        func peak(_ a: Double, _ fa: Double, _ b: Double) throws(SGP4Error) {
            let (tm, fm) = try maximum(a, b)
            if fm > 0 {
                crossings.append((try root(a, tm, fa), true))
                crossings.append((try root(tm, b, fm), false))
            }
        }
        /// Sample `k` (its predecessor and, when it exists, its successor known): a crossing between k - 1
        /// and k, or a local maximum below the threshold at k.
        func visit(_ a: Double, _ fa: Double, _ b: Double, _ fb: Double, next: (Double, Double)?) throws(SGP4Error) {
            if (fa > 0) != (fb > 0) {
                crossings.append((try root(a, b, fa), fb > 0))
            } else if fa <= 0, fb <= 0, let next, fb >= fa, fb >= next.1 {
                try peak(a, fa, next.0)
            }
        }
        func time(_ k: Int) -> Double { k == count ? t1 : t0 + Double(k) * h }

        let first = try height(t0)
        var previous = (t: t0, v: first)  // sample k - 2 when sample k arrives
        var current = (t: t0, v: first)  // sample k - 1
        for k in 1...count {
            let t = time(k)
            let sample = (t: t, v: try height(t))
            if k == 1 {
                if first <= 0, sample.v <= 0, first > sample.v { try peak(t0, first, sample.t) }
            } else {
                try visit(previous.t, previous.v, current.t, current.v, next: (sample.t, sample.v))
            }
            previous = current
            current = sample
        }
        try visit(previous.t, previous.v, current.t, current.v, next: nil)
        // The same at the window's end: the last two samples below the threshold and rising.
        if count >= 2, current.v <= 0, previous.v <= 0, current.v > previous.v { try peak(previous.t, previous.v, current.t) }
        let last = current.v

        var passes: [SatellitePass] = []
        var aos: Double? = first > 0 ? t0 : nil
        var aosCut = first > 0
        for c in crossings {
            if c.rising {
                aos = c.time
                aosCut = false
            } else if let a = aos {
                passes.append(try makePass(aos: a, los: c.time, startsBefore: aosCut, endsAfter: false, t0: t0, h: h))
                aos = nil
            }
        }
        if let a = aos, last > 0 {
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
