import TelemetryDecode

extension Benchmark {
    /// Receive side of AX.25 G3RUH: descramble, NRZI-decode and deframe, in Mbit/s of line bits.
    static let hdlc = Benchmark(
        name: "hdlc", unit: "Mbit/s", summary: "G3RUH descramble + NRZI decode + HDLC deframe + FCS"
    ) {
        var rng = SplitMix64(seed: 2)
        var bits: [UInt8] = []
        let framer = HDLCFramer(preambleFlags: 2, postambleFlags: 1)
        var frameCount = 0
        while bits.count < 4_000_000 {
            let frame = (0..<Int.random(in: 20...256, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            framer.encode(frame, into: &bits)
            frameCount += 1
        }
        var enc = NRZIEncoder()
        enc.process(&bits)
        var scr = G3RUHScrambler()
        scr.process(&bits)

        let block = 65_536
        var work = [UInt8](repeating: 0, count: block)
        var frames: [HDLCFrame] = []
        frames.reserveCapacity(1024)
        var good = 0
        let (n, seconds) = BenchClock.measure {
            var d = G3RUHDescrambler()
            var nrzi = NRZIDecoder()
            var deframer = HDLCDeframer(configuration: .ax25)
            var i = 0
            while i < bits.count {
                let m = min(block, bits.count - i)
                work.withUnsafeMutableBufferPointer { w in
                    bits.withUnsafeBufferPointer { src in
                        let dst = UnsafeMutableBufferPointer(rebasing: w[0..<m])
                        _ = dst.initialize(from: src[i..<(i + m)])
                        d.process(dst)
                        nrzi.process(dst)
                        deframer.process(UnsafeBufferPointer(dst), into: &frames)
                    }
                }
                good += frames.count
                frames.removeAll(keepingCapacity: true)
                i += m
            }
        }
        blackHole(good)
        precondition(good == (n + 1) * frameCount, "hdlc benchmark lost frames")
        return Double(n * bits.count) / seconds / 1e6
    }
}
