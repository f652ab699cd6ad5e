import Foundation

/// SGP4/SDP4 propagation of mean elements to TEME position and velocity.
///
/// Implements the model of Spacetrack Report #3 as revised by Vallado, Crawford, Hujsak & Kelso,
/// "Revisiting Spacetrack Report #3" (AIAA 2006-6753): WGS-72 constants, improved operation mode
/// ('i', GMST from the IAU-82 expression), SDP4 chosen for periods of 225 minutes or more.
/// All set-up is done in `init`; `propagate` is a pure function of time, so a propagator can be shared
/// freely between threads.
public struct SGP4Propagator: Sendable {
    /// WGS-72 constants as SGP4 uses them.
    public enum WGS72 {
        public static let mu = 398_600.8  // km³/s²
        public static let radius = 6378.135  // km
        public static let j2 = 0.001082616
        public static let j3 = -0.00000253881
        public static let j4 = -0.00000165597
        public static let j3oj2 = j3 / j2
        /// sqrt(GM) in Earth radii^1.5 per minute.
        public static let xke = 60.0 / (radius * radius * radius / mu).squareRoot()
        /// Velocity unit: Earth radii per minute in km/s.
        public static let kmPerSecond = radius * xke / 60.0
    }

    public let elements: MeanElements

    // Epoch elements (radians, un-Kozai'd mean motion).
    @usableFromInline let e0, i0, node0, argp0, m0, n0, bstar: Double
    /// (xke / n0)^(2/3), the un-Kozai'd semi-major axis in Earth radii.
    @usableFromInline let a0: Double
    // Secular rates.
    @usableFromInline let mdot, argpdot, nodedot, nodecf: Double
    // Drag.
    @usableFromInline let cc1, cc4, cc5, d2, d3, d4, t2cof, t3cof, t4cof, t5cof: Double
    @usableFromInline let omgcof, xmcof, eta, delmo, sinmao: Double
    /// Simplified drag (perigee below 220 km, or deep space).
    @usableFromInline let simplifiedDrag: Bool
    // Short-period and long-period coefficients (near Earth; recomputed in deep space).
    @usableFromInline let con41, x1mth2, x7thm1, xlcof, aycof: Double
    /// Greenwich sidereal angle at epoch, radians.
    public let gmstAtEpoch: Double
    let deepSpace: SGP4DeepSpace?

    /// True when the orbital period is 225 minutes or more (SDP4 with lunar-solar terms).
    public var isDeepSpace: Bool { deepSpace != nil }

    /// Sets up the propagator. Throws code 1 or 2 when the epoch elements cannot describe an orbit.
    public init(_ elements: MeanElements) throws(SGP4Error) {
        self.elements = elements
        let e0 = elements.eccentricity
        let i0 = elements.inclination
        let nKozai = elements.meanMotion
        guard e0 >= 0, e0 < 1, e0.isFinite else { throw .meanEccentricityOutOfRange(e0) }
        guard nKozai > 0, nKozai.isFinite else { throw .meanMotionNotPositive(nKozai) }
        let xke = WGS72.xke, j2 = WGS72.j2, j4 = WGS72.j4, j3oj2 = WGS72.j3oj2, re = WGS72.radius
        let x2o3 = 2.0 / 3.0

        // Recover the original (Brouwer) mean motion and semi-major axis from the Kozai mean motion.
        let eccsq = e0 * e0
        let omeosq = 1 - eccsq
        let rteosq = omeosq.squareRoot()
        let cosio = cos(i0)
        let cosio2 = cosio * cosio
        let ak = pow(xke / nKozai, x2o3)
        let d1 = 0.75 * j2 * (3 * cosio2 - 1) / (rteosq * omeosq)
        var del = d1 / (ak * ak)
        let adel = ak * (1 - del * del - del * (1.0 / 3.0 + 134 * del * del / 81))
        del = d1 / (adel * adel)
        let n0 = nKozai / (1 + del)
        let a0 = pow(xke / n0, x2o3)
        let sinio = sin(i0)
        let po = a0 * omeosq
        let con42 = 1 - 5 * cosio2
        let con41 = -con42 - cosio2 - cosio2
        let posq = po * po
        let rp = a0 * (1 - e0)
        let gsto = EarthFrames.greenwichSiderealAngle(elements.epoch)

        // Atmospheric density fit parameter s and (q0 − s)^4, adjusted for low perigees.
        let ss = 78 / re + 1
        let qzms2t = pow((120 - 78) / re, 4)
        var sfour = ss
        var qzms24 = qzms2t
        let perigee = (rp - 1) * re
        if perigee < 156 {
            sfour = perigee - 78
            if perigee < 98 { sfour = 20 }
            qzms24 = pow((120 - sfour) / re, 4)
            sfour = sfour / re + 1
        }
        let pinvsq = 1 / posq
        let tsi = 1 / (a0 - sfour)
        let eta = a0 * e0 * tsi
        let etasq = eta * eta
        let eeta = e0 * eta
        let psisq = abs(1 - etasq)
        let coef = qzms24 * pow(tsi, 4)
        let coef1 = coef / pow(psisq, 3.5)
        let cc2 = coef1 * n0 * (a0 * (1 + 1.5 * etasq + eeta * (4 + etasq))
            + 0.375 * j2 * tsi / psisq * con41 * (8 + 3 * etasq * (8 + etasq)))
        let cc1 = elements.bstar * cc2
        var cc3 = 0.0
        if e0 > 1.0e-4 { cc3 = -2 * coef * tsi * j3oj2 * n0 * sinio / e0 }
        let x1mth2 = 1 - cosio2
        let cc4 = 2 * n0 * coef1 * a0 * omeosq * (eta * (2 + 0.5 * etasq) + e0 * (0.5 + 2 * etasq)
            - j2 * tsi / (a0 * psisq) * (-3 * con41 * (1 - 2 * eeta + etasq * (1.5 - 0.5 * eeta))
                + 0.75 * x1mth2 * (2 * etasq - eeta * (1 + etasq)) * cos(2 * elements.argumentOfPerigee)))
        let cc5 = 2 * coef1 * a0 * omeosq * (1 + 2.75 * (etasq + eeta) + eeta * etasq)

        // Secular rates from J2 and J4.
        let cosio4 = cosio2 * cosio2
        let temp1 = 1.5 * j2 * pinvsq * n0
        let temp2 = 0.5 * temp1 * j2 * pinvsq
        let temp3 = -0.46875 * j4 * pinvsq * pinvsq * n0
        let mdot = n0 + 0.5 * temp1 * rteosq * con41 + 0.0625 * temp2 * rteosq * (13 - 78 * cosio2 + 137 * cosio4)
        let argpdot = -0.5 * temp1 * con42 + 0.0625 * temp2 * (7 - 114 * cosio2 + 395 * cosio4)
            + temp3 * (3 - 36 * cosio2 + 49 * cosio4)
        let xhdot1 = -temp1 * cosio
        let nodedot = xhdot1 + (0.5 * temp2 * (4 - 19 * cosio2) + 2 * temp3 * (3 - 7 * cosio2)) * cosio

        self.e0 = e0
        self.i0 = i0
        self.node0 = elements.rightAscension
        self.argp0 = elements.argumentOfPerigee
        self.m0 = elements.meanAnomaly
        self.n0 = n0
        self.a0 = a0
        self.bstar = elements.bstar
        self.mdot = mdot
        self.argpdot = argpdot
        self.nodedot = nodedot
        self.omgcof = elements.bstar * cc3 * cos(elements.argumentOfPerigee)
        self.xmcof = e0 > 1.0e-4 ? -x2o3 * coef * elements.bstar / eeta : 0
        self.nodecf = 3.5 * omeosq * xhdot1 * cc1
        self.t2cof = 1.5 * cc1
        let denominator = abs(cosio + 1) > 1.5e-12 ? 1 + cosio : 1.5e-12
        self.xlcof = -0.25 * j3oj2 * sinio * (3 + 5 * cosio) / denominator
        self.aycof = -0.5 * j3oj2 * sinio
        let delmotemp = 1 + eta * cos(elements.meanAnomaly)
        self.delmo = delmotemp * delmotemp * delmotemp
        self.sinmao = sin(elements.meanAnomaly)
        self.x7thm1 = 7 * cosio2 - 1
        self.con41 = con41
        self.x1mth2 = x1mth2
        self.eta = eta
        self.cc1 = cc1
        self.cc4 = cc4
        self.cc5 = cc5
        self.gmstAtEpoch = gsto

        let deepSpace = 2 * Double.pi / n0 >= 225
        if deepSpace {
            // The epoch goes in as (whole + fraction) − 2433281.5, rounded as the reference rounds it: the
            // lunar-solar terms of very eccentric orbits are sensitive to it at the 1e-6 km level.
            self.deepSpace = SGP4DeepSpace(
                epoch: elements.epoch.value - JulianDate.sgp4Origin, e0: e0, i0: i0, node0: elements.rightAscension,
                argp0: elements.argumentOfPerigee, m0: elements.meanAnomaly, n0: n0, mdot: mdot,
                argpdot: argpdot, nodedot: nodedot, gsto: gsto, xke: xke)
        } else {
            self.deepSpace = nil
        }
        simplifiedDrag = deepSpace || rp < 220 / re + 1
        if simplifiedDrag {
            (d2, d3, d4, t3cof, t4cof, t5cof) = (0, 0, 0, 0, 0, 0)
        } else {
            let cc1sq = cc1 * cc1
            let d2 = 4 * a0 * tsi * cc1sq
            let temp = d2 * tsi * cc1 / 3
            let d3 = (17 * a0 + sfour) * temp
            let d4 = 0.5 * temp * a0 * tsi * (221 * a0 + 31 * sfour) * cc1
            self.d2 = d2
            self.d3 = d3
            self.d4 = d4
            t3cof = d2 + 2 * cc1sq
            t4cof = 0.25 * (3 * d3 + cc1 * (12 * d2 + 10 * cc1sq))
            t5cof = 0.2 * (3 * d4 + 12 * cc1 * d3 + 6 * d2 * d2 + 15 * cc1sq * (2 * d2 + cc1sq))
        }
    }

    /// Convenience: parse-free set-up from a TLE.
    public init(_ tle: TwoLineElements) throws(SGP4Error) {
        try self.init(tle.meanElements)
    }

    /// State at `date` (UTC).
    public func propagate(to date: JulianDate) throws(SGP4Error) -> TEMEState {
        try propagate(minutesSinceEpoch: date.minutes(since: elements.epoch))
    }

    /// State `t` minutes after the element epoch (negative for earlier), TEME, km and km/s.
    public func propagate(minutesSinceEpoch t: Double) throws(SGP4Error) -> TEMEState {
        var integrator = SGP4DeepSpace.Integrator()
        return try state(at: t, integrator: &integrator)
    }

    /// States at many times (minutes since epoch), appended to `states`. Gives the same values as
    /// `propagate(minutesSinceEpoch:)` time by time, but carries the deep-space resonance integration
    /// from one time to the next, which pays off when the times are in order. Stops at the first time
    /// that cannot be propagated and throws its error; `states` then holds the states before it.
    public func propagate(minutesSinceEpoch times: [Double], into states: inout [TEMEState]) throws(SGP4Error) {
        states.reserveCapacity(states.count + times.count)
        var integrator = SGP4DeepSpace.Integrator()
        for t in times {
            states.append(try state(at: t, integrator: &integrator))
        }
    }

    @inline(__always)
    func state(at t: Double, integrator: inout SGP4DeepSpace.Integrator) throws(SGP4Error) -> TEMEState {
        let xke = WGS72.xke, j2 = WGS72.j2, j3oj2 = WGS72.j3oj2
        let twoPi = 2 * Double.pi
        let x2o3 = 2.0 / 3.0

        // Secular gravity and atmospheric drag.
        let xmdf = m0 + mdot * t
        let argpdf = argp0 + argpdot * t
        let nodedf = node0 + nodedot * t
        var argpm = argpdf
        var mm = xmdf
        let t2 = t * t
        var nodem = nodedf + nodecf * t2
        var tempa = 1 - cc1 * t
        var tempe = bstar * cc4 * t
        var templ = t2cof * t2
        if !simplifiedDrag {
            let delomg = omgcof * t
            let delmtemp = 1 + eta * cos(xmdf)
            let delm = xmcof * (delmtemp * delmtemp * delmtemp - delmo)
            let temp = delomg + delm
            mm = xmdf + temp
            argpm = argpdf - temp
            let t3 = t2 * t
            let t4 = t3 * t
            tempa = tempa - d2 * t2 - d3 * t3 - d4 * t4
            tempe = tempe + bstar * cc5 * (sin(mm) - sinmao)
            templ = templ + t3cof * t3 + t4 * (t4cof + t * t5cof)
        }
        var nm = n0
        var em = e0
        var inclm = i0
        if let ds = deepSpace {
            nm = ds.applySecular(t: t, e: &em, i: &inclm, argp: &argpm, node: &nodem, m: &mm, integrator: &integrator)
        }
        guard nm > 0 else { throw .meanMotionNotPositive(nm) }
        // (xke / n)^(2/3) is a constant unless a resonance changes n.
        let am = (nm == n0 ? a0 : pow(xke / nm, x2o3)) * tempa * tempa
        nm = xke / (am * am.squareRoot())
        em = em - tempe
        guard em < 1, em >= -0.001 else { throw .meanEccentricityOutOfRange(em) }
        if em < 1.0e-6 { em = 1.0e-6 }
        mm = mm + n0 * templ
        var xlm = mm + argpm + nodem
        nodem = nodem.truncatingRemainder(dividingBy: twoPi)
        argpm = argpm.truncatingRemainder(dividingBy: twoPi)
        xlm = xlm.truncatingRemainder(dividingBy: twoPi)
        mm = (xlm - argpm - nodem).truncatingRemainder(dividingBy: twoPi)

        // Lunar-solar periodics.
        var ep = em
        var xincp = inclm
        var argpp = argpm
        var nodep = nodem
        var mp = mm
        var sinip = sin(inclm)
        var cosip = cos(inclm)
        var aycof = self.aycof
        var xlcof = self.xlcof
        var con41 = self.con41
        var x1mth2 = self.x1mth2
        var x7thm1 = self.x7thm1
        if let ds = deepSpace {
            ds.applyPeriodics(t: t, e: &ep, i: &xincp, node: &nodep, argp: &argpp, m: &mp)
            if xincp < 0 {
                xincp = -xincp
                nodep = nodep + Double.pi
                argpp = argpp - Double.pi
            }
            guard ep >= 0, ep <= 1 else { throw .perturbedEccentricityOutOfRange(ep) }
            sinip = sin(xincp)
            cosip = cos(xincp)
            aycof = -0.5 * j3oj2 * sinip
            let denominator = abs(cosip + 1) > 1.5e-12 ? 1 + cosip : 1.5e-12
            xlcof = -0.25 * j3oj2 * sinip * (3 + 5 * cosip) / denominator
            let cosisq = cosip * cosip
            con41 = 3 * cosisq - 1
            x1mth2 = 1 - cosisq
            x7thm1 = 7 * cosisq - 1
        }

        // Long-period periodics.
        let axnl = ep * cos(argpp)
        var temp = 1 / (am * (1 - ep * ep))
        let aynl = ep * sin(argpp) + temp * aycof
        let xl = mp + argpp + nodep + temp * xlcof * axnl

        // Kepler's equation in the (axnl, aynl) form.
        let u = (xl - nodep).truncatingRemainder(dividingBy: twoPi)
        var eo1 = u
        var tem5 = 9999.9
        var sineo1 = 0.0, coseo1 = 0.0
        var iteration = 1
        while abs(tem5) >= 1.0e-12 && iteration <= 10 {
            sineo1 = sin(eo1)
            coseo1 = cos(eo1)
            tem5 = 1 - coseo1 * axnl - sineo1 * aynl
            tem5 = (u - aynl * coseo1 + axnl * sineo1 - eo1) / tem5
            if abs(tem5) >= 0.95 { tem5 = tem5 > 0 ? 0.95 : -0.95 }
            eo1 = eo1 + tem5
            iteration += 1
        }

        // Short-period periodics.
        let ecose = axnl * coseo1 + aynl * sineo1
        let esine = axnl * sineo1 - aynl * coseo1
        let el2 = axnl * axnl + aynl * aynl
        let pl = am * (1 - el2)
        guard pl >= 0 else { throw .semiLatusRectumNegative(pl) }
        let rl = am * (1 - ecose)
        let rdotl = am.squareRoot() * esine / rl
        let rvdotl = pl.squareRoot() / rl
        let betal = (1 - el2).squareRoot()
        temp = esine / (1 + betal)
        let sinu = am / rl * (sineo1 - aynl - axnl * temp)
        let cosu = am / rl * (coseo1 - axnl + aynl * temp)
        var su = atan2(sinu, cosu)
        let sin2u = (cosu + cosu) * sinu
        let cos2u = 1 - 2 * sinu * sinu
        temp = 1 / pl
        let temp1 = 0.5 * j2 * temp
        let temp2 = temp1 * temp

        let mrt = rl * (1 - 1.5 * temp2 * betal * con41) + 0.5 * temp1 * x1mth2 * cos2u
        su = su - 0.25 * temp2 * x7thm1 * sin2u
        let xnode = nodep + 1.5 * temp2 * cosip * sin2u
        let xinc = xincp + 1.5 * temp2 * cosip * sinip * cos2u
        let mvt = rdotl - nm * temp1 * x1mth2 * sin2u / xke
        let rvdot = rvdotl + nm * temp1 * (x1mth2 * cos2u + 1.5 * con41) / xke

        // Orientation vectors.
        let sinsu = sin(su), cossu = cos(su)
        let snod = sin(xnode), cnod = cos(xnode)
        let sini = sin(xinc), cosi = cos(xinc)
        let xmx = -snod * cosi
        let xmy = cnod * cosi
        let ux = xmx * sinsu + cnod * cossu
        let uy = xmy * sinsu + snod * cossu
        let uz = sini * sinsu
        let vx = xmx * cossu - cnod * sinsu
        let vy = xmy * cossu - snod * sinsu
        let vz = sini * cossu

        guard mrt >= 1 else { throw .decayed(radius: mrt) }
        let re = WGS72.radius
        let vScale = WGS72.kmPerSecond
        return TEMEState(
            position: SIMD3((mrt * ux) * re, (mrt * uy) * re, (mrt * uz) * re),
            velocity: SIMD3(
                (mvt * ux + rvdot * vx) * vScale, (mvt * uy + rvdot * vy) * vScale,
                (mvt * uz + rvdot * vz) * vScale))
    }
}
