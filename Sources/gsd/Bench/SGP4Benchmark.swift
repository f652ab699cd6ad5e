import GroundStation

extension Benchmark {
    /// Element sets from Vallado's SGP4-VER.TLE: four near-Earth (SGP4) and four deep-space (SDP4: a
    /// 12-hour resonant Molniya, a 24-hour resonant GEO, two non-resonant). The same list is in
    /// bench/peers/sgp4_python.py.
    static let sgp4Elements: [(String, String)] = [
        ("1 00005U 58002B   00179.78495062  .00000023  00000-0  28098-4 0  4753",
         "2 00005  34.2682 348.7242 1859667 331.7664  19.3264 10.82419157413667"),
        ("1 06251U 62025E   06176.82412014  .00008885  00000-0  12808-3 0  3985",
         "2 06251  58.0579  54.0425 0030035 139.1568 221.1854 15.56387291  6774"),
        ("1 28057U 03049A   06177.78615833  .00000060  00000-0  35940-4 0  1836",
         "2 28057  98.4283 247.6961 0000884  88.1964 271.9322 14.35478080140550"),
        ("1 88888U          80275.98708465  .00073094  13844-3  66816-4 0    87",
         "2 88888  72.8435 115.9689 0086731  52.6988 110.5714 16.05824518  1058"),
        ("1 08195U 75081A   06176.33215444  .00000099  00000-0  11873-3 0   813",
         "2 08195  64.1586 279.0717 6877146 264.7651  20.2257  2.00491383225656"),
        ("1 24208U 96044A   06177.04061740 -.00000094  00000-0  10000-3 0  1600",
         "2 24208   3.8536  80.0121 0026640 311.0977  48.3000  1.00778054 36119"),
        ("1 23599U 95029B   06171.76535463  .00085586  12891-6  12956-2 0  2905",
         "2 23599   6.9327   0.2849 5782022 274.4436  25.2425  4.47796565123555"),
        ("1 28129U 03058A   06175.57071136 -.00000104  00000-0  10000-3 0   459",
         "2 28129  54.7298 324.8098 0048506 266.2640  93.1663  2.00562768 18443"),
    ]

    /// SGP4/SDP4 propagations per second on one core: each of the eight satellites above at 1440 times
    /// spread over the day after its epoch (one per minute).
    static let sgp4 = Benchmark(
        name: "sgp4", unit: "propagations/s",
        summary: "SGP4/SDP4 propagations (4 near-Earth + 4 deep-space satellites, 1440 times each)"
    ) {
        let propagators = try sgp4Elements.map { try SGP4Propagator(TwoLineElements(line1: $0.0, line2: $0.1)) }
        let times = (0..<1440).map { Double($0) }
        var states: [TEMEState] = []
        states.reserveCapacity(times.count)
        var sink = 0.0
        // The batch call is the counterpart of python-sgp4's Satrec.sgp4_array.
        let (n, seconds) = try BenchClock.measure {
            for p in propagators {
                states.removeAll(keepingCapacity: true)
                try p.propagate(minutesSinceEpoch: times, into: &states)
                sink += states[states.count - 1].position.x
            }
        }
        blackHole(sink)
        return Double(n * propagators.count * times.count) / seconds
    }
}
