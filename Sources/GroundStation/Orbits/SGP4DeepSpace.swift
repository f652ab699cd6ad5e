import Foundation

/// The SDP4 part of the propagator (orbital period ≥ 225 min): lunar-solar secular rates and long-period
/// periodics, and the 12-hour and 24-hour geopotential resonances integrated in 720-minute steps.
///
/// Equations and constants follow Hujsak (1979) as revised in Vallado, Crawford, Hujsak & Kelso,
/// "Revisiting Spacetrack Report #3" (AIAA 2006-6753), improved operation mode.
/// The resonance integrator always starts from epoch, so a propagation depends only on its time (the
/// reference keeps the last integration step in mutable state; the results are identical because
/// steps land on the same multiples of 720 min either way).
struct SGP4DeepSpace: Sendable {
    enum Resonance: Sendable { case none, synchronous, halfDay }

    // Lunar-solar long-period periodic coefficients (solar s*, lunar x*/e*).
    let se2, se3, si2, si3, sl2, sl3, sl4, sgh2, sgh3, sgh4, sh2, sh3: Double
    let ee2, e3, xi2, xi3, xl2, xl3, xl4, xgh2, xgh3, xgh4, xh2, xh3: Double
    let zmos, zmol: Double

    // Lunar-solar secular rates (per minute).
    let dedt, didt, dmdt, dnodt, domdt: Double

    // Resonance.
    let resonance: Resonance
    let del1, del2, del3: Double
    let d2201, d2211, d3210, d3222, d4410, d4422, d5220, d5232, d5421, d5433: Double
    let xfact, xlamo: Double
    let argpo, argpdot, gsto, n0: Double

    static let zes = 0.01675, zel = 0.05490
    static let zns = 1.19459e-5, znl = 1.5835218e-4
    /// Earth rotation rate, rad/min.
    static let rptim = 4.37526908801129966e-3
    static let twoPi = 2 * Double.pi

    /// The lunar and solar perturbation geometry at epoch (Vallado's `dscom`).
    private struct Geometry {
        var s1 = 0.0, s2 = 0.0, s3 = 0.0, s4 = 0.0, s5 = 0.0, s6 = 0.0, s7 = 0.0
        var z1 = 0.0, z2 = 0.0, z3 = 0.0, z11 = 0.0, z12 = 0.0, z13 = 0.0
        var z21 = 0.0, z22 = 0.0, z23 = 0.0, z31 = 0.0, z32 = 0.0, z33 = 0.0
    }

    /// `epoch` in days since 1950; angles in radians; `n0` un-Kozai'd mean motion (rad/min).
    /// `mdot`, `argpdot`, `nodedot` are the near-Earth secular rates.
    init(
        epoch: Double, e0: Double, i0: Double, node0: Double, argp0: Double, m0: Double, n0: Double,
        mdot: Double, argpdot: Double, nodedot: Double, gsto: Double, xke: Double
    ) {
        let twoPi = Self.twoPi
        let emsq = e0 * e0
        let betasq = 1 - emsq
        let rtemsq = betasq.squareRoot()
        let snodm = sin(node0), cnodm = cos(node0)
        let sinomm = sin(argp0), cosomm = cos(argp0)
        let sinim = sin(i0), cosim = cos(i0)

        // Lunar orbit orientation at epoch.
        let day = epoch + 18261.5
        let xnodce = (4.5236020 - 9.2422029e-4 * day).truncatingRemainder(dividingBy: twoPi)
        let stem = sin(xnodce), ctem = cos(xnodce)
        let zcosil = 0.91375164 - 0.03568096 * ctem
        let zsinil = (1 - zcosil * zcosil).squareRoot()
        let zsinhl = 0.089683511 * stem / zsinil
        let zcoshl = (1 - zsinhl * zsinhl).squareRoot()
        let gam = 5.8351514 + 0.0019443680 * day
        var zx = 0.39785416 * stem / zsinil
        let zy = zcoshl * ctem + 0.91744867 * zsinhl * stem
        zx = atan2(zx, zy)
        zx = gam + zx - xnodce
        let zcosgl = cos(zx), zsingl = sin(zx)

        // Solar first (fixed ecliptic geometry), then lunar.
        func geometry(
            zcosg: Double, zsing: Double, zcosi: Double, zsini: Double, zcosh: Double, zsinh: Double, cc: Double
        ) -> Geometry {
            var g = Geometry()
            let a1 = zcosg * zcosh + zsing * zcosi * zsinh
            let a3 = -zsing * zcosh + zcosg * zcosi * zsinh
            let a7 = -zcosg * zsinh + zsing * zcosi * zcosh
            let a8 = zsing * zsini
            let a9 = zsing * zsinh + zcosg * zcosi * zcosh
            let a10 = zcosg * zsini
            let a2 = cosim * a7 + sinim * a8
            let a4 = cosim * a9 + sinim * a10
            let a5 = -sinim * a7 + cosim * a8
            let a6 = -sinim * a9 + cosim * a10
            let x1 = a1 * cosomm + a2 * sinomm
            let x2 = a3 * cosomm + a4 * sinomm
            let x3 = -a1 * sinomm + a2 * cosomm
            let x4 = -a3 * sinomm + a4 * cosomm
            let x5 = a5 * sinomm
            let x6 = a6 * sinomm
            let x7 = a5 * cosomm
            let x8 = a6 * cosomm
            g.z31 = 12 * x1 * x1 - 3 * x3 * x3
            g.z32 = 24 * x1 * x2 - 6 * x3 * x4
            g.z33 = 12 * x2 * x2 - 3 * x4 * x4
            g.z1 = 3 * (a1 * a1 + a2 * a2) + g.z31 * emsq
            g.z2 = 6 * (a1 * a3 + a2 * a4) + g.z32 * emsq
            g.z3 = 3 * (a3 * a3 + a4 * a4) + g.z33 * emsq
            g.z11 = -6 * a1 * a5 + emsq * (-24 * x1 * x7 - 6 * x3 * x5)
            g.z12 = -6 * (a1 * a6 + a3 * a5) + emsq * (-24 * (x2 * x7 + x1 * x8) - 6 * (x3 * x6 + x4 * x5))
            g.z13 = -6 * a3 * a6 + emsq * (-24 * x2 * x8 - 6 * x4 * x6)
            g.z21 = 6 * a2 * a5 + emsq * (24 * x1 * x5 - 6 * x3 * x7)
            g.z22 = 6 * (a4 * a5 + a2 * a6) + emsq * (24 * (x2 * x5 + x1 * x6) - 6 * (x4 * x7 + x3 * x8))
            g.z23 = 6 * a4 * a6 + emsq * (24 * x2 * x6 - 6 * x4 * x8)
            g.z1 = g.z1 + g.z1 + betasq * g.z31
            g.z2 = g.z2 + g.z2 + betasq * g.z32
            g.z3 = g.z3 + g.z3 + betasq * g.z33
            g.s3 = cc / n0
            g.s2 = -0.5 * g.s3 / rtemsq
            g.s4 = g.s3 * rtemsq
            g.s1 = -15 * e0 * g.s4
            g.s5 = x1 * x3 + x2 * x4
            g.s6 = x2 * x3 + x1 * x4
            g.s7 = x2 * x4 - x1 * x3
            return g
        }
        let sun = geometry(
            zcosg: 0.1945905, zsing: -0.98088458, zcosi: 0.91744867, zsini: 0.39785416,
            zcosh: cnodm, zsinh: snodm, cc: 2.9864797e-6)
        let moon = geometry(
            zcosg: zcosgl, zsing: zsingl, zcosi: zcosil, zsini: zsinil,
            zcosh: zcoshl * cnodm + zsinhl * snodm, zsinh: snodm * zcoshl - cnodm * zsinhl, cc: 4.7968065e-7)

        zmol = (4.7199672 + 0.22997150 * day - gam).truncatingRemainder(dividingBy: twoPi)
        zmos = (6.2565837 + 0.017201977 * day).truncatingRemainder(dividingBy: twoPi)

        se2 = 2 * sun.s1 * sun.s6
        se3 = 2 * sun.s1 * sun.s7
        si2 = 2 * sun.s2 * sun.z12
        si3 = 2 * sun.s2 * (sun.z13 - sun.z11)
        sl2 = -2 * sun.s3 * sun.z2
        sl3 = -2 * sun.s3 * (sun.z3 - sun.z1)
        sl4 = -2 * sun.s3 * (-21 - 9 * emsq) * Self.zes
        sgh2 = 2 * sun.s4 * sun.z32
        sgh3 = 2 * sun.s4 * (sun.z33 - sun.z31)
        sgh4 = -18 * sun.s4 * Self.zes
        sh2 = -2 * sun.s2 * sun.z22
        sh3 = -2 * sun.s2 * (sun.z23 - sun.z21)

        ee2 = 2 * moon.s1 * moon.s6
        e3 = 2 * moon.s1 * moon.s7
        xi2 = 2 * moon.s2 * moon.z12
        xi3 = 2 * moon.s2 * (moon.z13 - moon.z11)
        xl2 = -2 * moon.s3 * moon.z2
        xl3 = -2 * moon.s3 * (moon.z3 - moon.z1)
        xl4 = -2 * moon.s3 * (-21 - 9 * emsq) * Self.zel
        xgh2 = 2 * moon.s4 * moon.z32
        xgh3 = 2 * moon.s4 * (moon.z33 - moon.z31)
        xgh4 = -18 * moon.s4 * Self.zel
        xh2 = -2 * moon.s2 * moon.z22
        xh3 = -2 * moon.s2 * (moon.z23 - moon.z21)

        // Secular rates (Vallado's `dsinit`).
        let zns = Self.zns, znl = Self.znl
        let nearEquatorial = i0 < 5.2359877e-2 || i0 > Double.pi - 5.2359877e-2
        let ses = sun.s1 * zns * sun.s5
        let sis = sun.s2 * zns * (sun.z11 + sun.z13)
        let sls = -zns * sun.s3 * (sun.z1 + sun.z3 - 14 - 6 * emsq)
        let sghs = sun.s4 * zns * (sun.z31 + sun.z33 - 6)
        var shs = nearEquatorial ? 0 : -zns * sun.s2 * (sun.z21 + sun.z23)
        if sinim != 0 { shs = shs / sinim }
        let sgs = sghs - cosim * shs

        dedt = ses + moon.s1 * znl * moon.s5
        didt = sis + moon.s2 * znl * (moon.z11 + moon.z13)
        dmdt = sls - znl * moon.s3 * (moon.z1 + moon.z3 - 14 - 6 * emsq)
        let sghl = moon.s4 * znl * (moon.z31 + moon.z33 - 6)
        let shll = nearEquatorial ? 0 : -znl * moon.s2 * (moon.z21 + moon.z23)
        var domdt = sgs + sghl
        var dnodt = shs
        if sinim != 0 {
            domdt = domdt - cosim / sinim * shll
            dnodt = dnodt + shll / sinim
        }
        self.domdt = domdt
        self.dnodt = dnodt

        // Resonances.
        if n0 < 0.0052359877 && n0 > 0.0034906585 {
            resonance = .synchronous
        } else if n0 >= 8.26e-3 && n0 <= 9.24e-3 && e0 >= 0.5 {
            resonance = .halfDay
        } else {
            resonance = .none
        }
        let theta = gsto.truncatingRemainder(dividingBy: twoPi)
        let aonv = pow(n0 / xke, 2.0 / 3.0)
        var del1 = 0.0, del2 = 0.0, del3 = 0.0
        var d2201 = 0.0, d2211 = 0.0, d3210 = 0.0, d3222 = 0.0, d4410 = 0.0, d4422 = 0.0
        var d5220 = 0.0, d5232 = 0.0, d5421 = 0.0, d5433 = 0.0
        var xfact = 0.0, xlamo = 0.0
        switch resonance {
        case .none:
            break
        case .halfDay:
            let cosisq = cosim * cosim
            let em = e0, eoc = em * emsq
            let g201 = -0.306 - (em - 0.64) * 0.440
            let g211, g310, g322, g410, g422, g520: Double
            if em <= 0.65 {
                g211 = 3.616 - 13.2470 * em + 16.2900 * emsq
                g310 = -19.302 + 117.3900 * em - 228.4190 * emsq + 156.5910 * eoc
                g322 = -18.9068 + 109.7927 * em - 214.6334 * emsq + 146.5816 * eoc
                g410 = -41.122 + 242.6940 * em - 471.0940 * emsq + 313.9530 * eoc
                g422 = -146.407 + 841.8800 * em - 1629.014 * emsq + 1083.4350 * eoc
                g520 = -532.114 + 3017.977 * em - 5740.032 * emsq + 3708.2760 * eoc
            } else {
                g211 = -72.099 + 331.819 * em - 508.738 * emsq + 266.724 * eoc
                g310 = -346.844 + 1582.851 * em - 2415.925 * emsq + 1246.113 * eoc
                g322 = -342.585 + 1554.908 * em - 2366.899 * emsq + 1215.972 * eoc
                g410 = -1052.797 + 4758.686 * em - 7193.992 * emsq + 3651.957 * eoc
                g422 = -3581.690 + 16178.110 * em - 24462.770 * emsq + 12422.520 * eoc
                if em > 0.715 {
                    g520 = -5149.66 + 29936.92 * em - 54087.36 * emsq + 31324.56 * eoc
                } else {
                    g520 = 1464.74 - 4664.75 * em + 3763.64 * emsq
                }
            }
            let g533, g521, g532: Double
            if em < 0.7 {
                g533 = -919.22770 + 4988.6100 * em - 9064.7700 * emsq + 5542.21 * eoc
                g521 = -822.71072 + 4568.6173 * em - 8491.4146 * emsq + 5337.524 * eoc
                g532 = -853.66600 + 4690.2500 * em - 8624.7700 * emsq + 5341.4 * eoc
            } else {
                g533 = -37995.780 + 161616.52 * em - 229838.20 * emsq + 109377.94 * eoc
                g521 = -51752.104 + 218913.95 * em - 309468.16 * emsq + 146349.42 * eoc
                g532 = -40023.880 + 170470.89 * em - 242699.48 * emsq + 115605.82 * eoc
            }
            let sini2 = sinim * sinim
            let f220 = 0.75 * (1 + 2 * cosim + cosisq)
            let f221 = 1.5 * sini2
            let f321 = 1.875 * sinim * (1 - 2 * cosim - 3 * cosisq)
            let f322 = -1.875 * sinim * (1 + 2 * cosim - 3 * cosisq)
            let f441 = 35 * sini2 * f220
            let f442 = 39.3750 * sini2 * sini2
            let f522 = 9.84375 * sinim * (sini2 * (1 - 2 * cosim - 5 * cosisq)
                + 0.33333333 * (-2 + 4 * cosim + 6 * cosisq))
            let f523 = sinim * (4.92187512 * sini2 * (-2 - 4 * cosim + 10 * cosisq)
                + 6.56250012 * (1 + 2 * cosim - 3 * cosisq))
            let f542 = 29.53125 * sinim * (2 - 8 * cosim + cosisq * (-12 + 8 * cosim + 10 * cosisq))
            let f543 = 29.53125 * sinim * (-2 - 8 * cosim + cosisq * (12 + 8 * cosim - 10 * cosisq))
            let xno2 = n0 * n0
            let ainv2 = aonv * aonv
            var temp1 = 3 * xno2 * ainv2
            var temp = temp1 * 1.7891679e-6  // root22
            d2201 = temp * f220 * g201
            d2211 = temp * f221 * g211
            temp1 = temp1 * aonv
            temp = temp1 * 3.7393792e-7  // root32
            d3210 = temp * f321 * g310
            d3222 = temp * f322 * g322
            temp1 = temp1 * aonv
            temp = 2 * temp1 * 7.3636953e-9  // root44
            d4410 = temp * f441 * g410
            d4422 = temp * f442 * g422
            temp1 = temp1 * aonv
            temp = temp1 * 1.1428639e-7  // root52
            d5220 = temp * f522 * g520
            d5232 = temp * f523 * g532
            temp = 2 * temp1 * 2.1765803e-9  // root54
            d5421 = temp * f542 * g521
            d5433 = temp * f543 * g533
            xlamo = (m0 + node0 + node0 - theta - theta).truncatingRemainder(dividingBy: twoPi)
            xfact = mdot + dmdt + 2 * (nodedot + dnodt - Self.rptim) - n0
        case .synchronous:
            let g200 = 1 + emsq * (-2.5 + 0.8125 * emsq)
            let g310 = 1 + 2 * emsq
            let g300 = 1 + emsq * (-6 + 6.60937 * emsq)
            let f220 = 0.75 * (1 + cosim) * (1 + cosim)
            let f311 = 0.9375 * sinim * sinim * (1 + 3 * cosim) - 0.75 * (1 + cosim)
            var f330 = 1 + cosim
            f330 = 1.875 * f330 * f330 * f330
            del1 = 3 * n0 * n0 * aonv * aonv
            del2 = 2 * del1 * f220 * g200 * 1.7891679e-6  // q22
            del3 = 3 * del1 * f330 * g300 * 2.2123015e-7 * aonv  // q33
            del1 = del1 * f311 * g310 * 2.1460748e-6 * aonv  // q31
            xlamo = (m0 + node0 + argp0 - theta).truncatingRemainder(dividingBy: twoPi)
            xfact = mdot + (argpdot + nodedot) - Self.rptim + dmdt + domdt + dnodt - n0
        }
        self.del1 = del1
        self.del2 = del2
        self.del3 = del3
        self.d2201 = d2201
        self.d2211 = d2211
        self.d3210 = d3210
        self.d3222 = d3222
        self.d4410 = d4410
        self.d4422 = d4422
        self.d5220 = d5220
        self.d5232 = d5232
        self.d5421 = d5421
        self.d5433 = d5433
        self.xfact = xfact
        self.xlamo = xlamo
        self.argpo = argp0
        self.argpdot = argpdot
        self.gsto = gsto
        self.n0 = n0
    }

    /// Where the resonance integration stands: a time on the 720-minute grid and the resonance angle
    /// and mean motion there. Starting from `atime` = 0 or from any state an earlier integration left
    /// gives bit-identical results, because the steps are the same operations in the same order.
    struct Integrator: Sendable {
        var atime = 0.0
        var xli = 0.0
        var xni = 0.0
    }

    /// Mean elements carried forward by the lunar-solar secular rates and the resonance integration
    /// (Vallado's `dspace`). Updates `e`, `i`, `argp`, `node`, `m` and returns the mean motion `n`.
    @inline(__always)
    func applySecular(
        t: Double, e: inout Double, i: inout Double, argp: inout Double, node: inout Double, m: inout Double,
        integrator: inout Integrator
    ) -> Double {
        e += dedt * t
        i += didt * t
        argp += domdt * t
        node += dnodt * t
        m += dmdt * t
        if resonance == .none { return n0 }

        let theta = (gsto + t * Self.rptim).truncatingRemainder(dividingBy: Self.twoPi)
        let stepp = 720.0, step2 = 259_200.0
        let delt = t > 0 ? stepp : -stepp
        if integrator.atime == 0 || t * integrator.atime <= 0 || abs(t) < abs(integrator.atime) {
            integrator = Integrator(atime: 0, xli: xlamo, xni: n0)
        }
        var atime = integrator.atime
        var xni = integrator.xni
        var xli = integrator.xli
        defer { integrator = Integrator(atime: atime, xli: xli, xni: xni) }
        var xldot = 0.0, xndt = 0.0, xnddt = 0.0
        var ft = 0.0
        while true {
            // Rates of the resonance angle and mean motion at the current step.
            if resonance == .synchronous {
                let fasx2 = 0.13130908, fasx4 = 2.8843198, fasx6 = 0.37448087
                xndt = del1 * sin(xli - fasx2) + del2 * sin(2 * (xli - fasx4)) + del3 * sin(3 * (xli - fasx6))
                xldot = xni + xfact
                xnddt = del1 * cos(xli - fasx2) + 2 * del2 * cos(2 * (xli - fasx4))
                    + 3 * del3 * cos(3 * (xli - fasx6))
                xnddt = xnddt * xldot
            } else {
                let g22 = 5.7686396, g32 = 0.95240898, g44 = 1.8014998, g52 = 1.0508330, g54 = 4.4108898
                let xomi = argpo + argpdot * atime
                let x2omi = xomi + xomi
                let x2li = xli + xli
                xndt = d2201 * sin(x2omi + xli - g22) + d2211 * sin(xli - g22)
                    + d3210 * sin(xomi + xli - g32) + d3222 * sin(-xomi + xli - g32)
                    + d4410 * sin(x2omi + x2li - g44) + d4422 * sin(x2li - g44)
                    + d5220 * sin(xomi + xli - g52) + d5232 * sin(-xomi + xli - g52)
                    + d5421 * sin(xomi + x2li - g54) + d5433 * sin(-xomi + x2li - g54)
                xldot = xni + xfact
                xnddt = d2201 * cos(x2omi + xli - g22) + d2211 * cos(xli - g22)
                    + d3210 * cos(xomi + xli - g32) + d3222 * cos(-xomi + xli - g32)
                    + d5220 * cos(xomi + xli - g52) + d5232 * cos(-xomi + xli - g52)
                    + 2 * (d4410 * cos(x2omi + x2li - g44) + d4422 * cos(x2li - g44)
                        + d5421 * cos(xomi + x2li - g54) + d5433 * cos(-xomi + x2li - g54))
                xnddt = xnddt * xldot
            }
            if abs(t - atime) >= stepp {
                xli = xli + xldot * delt + xndt * step2
                xni = xni + xndt * delt + xnddt * step2
                atime = atime + delt
            } else {
                ft = t - atime
                break
            }
        }
        let n = xni + xndt * ft + xnddt * ft * ft * 0.5
        let xl = xli + xldot * ft + xndt * ft * ft * 0.5
        if resonance == .synchronous {
            m = xl - node - argp + theta
        } else {
            m = xl - 2 * node + 2 * theta
        }
        // The reference forms dndt = n - n0 and then n0 + dndt; keep that rounding.
        return n0 + (n - n0)
    }

    /// Lunar-solar long-period periodics (Vallado's `dpper`, improved mode), applied to the osculating
    /// elements in place.
    @inline(__always)
    func applyPeriodics(
        t: Double, e: inout Double, i: inout Double, node: inout Double, argp: inout Double, m: inout Double
    ) {
        var zm = zmos + Self.zns * t
        var zf = zm + 2 * Self.zes * sin(zm)
        var sinzf = sin(zf)
        var f2 = 0.5 * sinzf * sinzf - 0.25
        var f3 = -0.5 * sinzf * cos(zf)
        let ses = se2 * f2 + se3 * f3
        let sis = si2 * f2 + si3 * f3
        let sls = sl2 * f2 + sl3 * f3 + sl4 * sinzf
        let sghs = sgh2 * f2 + sgh3 * f3 + sgh4 * sinzf
        let shs = sh2 * f2 + sh3 * f3

        zm = zmol + Self.znl * t
        zf = zm + 2 * Self.zel * sin(zm)
        sinzf = sin(zf)
        f2 = 0.5 * sinzf * sinzf - 0.25
        f3 = -0.5 * sinzf * cos(zf)
        let sel = ee2 * f2 + e3 * f3
        let sil = xi2 * f2 + xi3 * f3
        let sll = xl2 * f2 + xl3 * f3 + xl4 * sinzf
        let sghl = xgh2 * f2 + xgh3 * f3 + xgh4 * sinzf
        let shll = xh2 * f2 + xh3 * f3

        let pe = ses + sel
        let pinc = sis + sil
        let pl = sls + sll
        var pgh = sghs + sghl
        var ph = shs + shll

        i += pinc
        e += pe
        let sinip = sin(i), cosip = cos(i)
        if i >= 0.2 {
            ph = ph / sinip
            pgh = pgh - cosip * ph
            argp += pgh
            node += ph
            m += pl
        } else {
            // Lyddane's modification for low inclinations.
            let sinop = sin(node), cosop = cos(node)
            var alfdp = sinip * sinop
            var betdp = sinip * cosop
            let dalf = ph * cosop + pinc * cosip * sinop
            let dbet = -ph * sinop + pinc * cosip * cosop
            alfdp += dalf
            betdp += dbet
            node = node.truncatingRemainder(dividingBy: Self.twoPi)
            var xls = m + argp + cosip * node
            let dls = pl + pgh - pinc * node * sinip
            xls += dls
            let xnoh = node
            node = atan2(alfdp, betdp)
            if abs(xnoh - node) > Double.pi {
                if node < xnoh { node += Self.twoPi } else { node -= Self.twoPi }
            }
            m += pl
            argp = xls - m - cosip * node
        }
    }
}
