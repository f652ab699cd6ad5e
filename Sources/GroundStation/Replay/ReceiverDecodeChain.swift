import TelemetryDecode

/// The decode end of the receive pipeline: raw sample bytes (any `SampleFormat`) → Float or complex
/// samples → every receiver of the bank → frames. The same chain serves files and live devices.
/// Complex input may first go through a `FrequencyShifter` (a live pass's Doppler correction).
public struct ReceiverDecodeChain: DecodeChain {
    public let format: SampleFormat
    public let sampleRate: Double
    var bank: ReceiverBank
    var shifter: FrequencyShifter?
    var real: [Float] = []
    var complex: [ComplexSample] = []

    public init(format: SampleFormat, sampleRate: Double, bank: ReceiverBank, shifter: FrequencyShifter? = nil) {
        self.format = format
        self.sampleRate = sampleRate
        self.bank = bank
        self.shifter = format.isComplex ? shifter : nil
    }

    public var itemSize: Int { format.bytesPerSample }

    public mutating func process(_ block: UnsafeRawBufferPointer, streamOffset: Int, into outputs: inout [ReceivedFrame]) throws {
        let samples = block.count / format.bytesPerSample
        guard samples > 0 else { return }
        if format.isComplex {
            if complex.count < samples { complex = [ComplexSample](repeating: .zero, count: samples) }
            complex.withUnsafeMutableBufferPointer { c in
                guard let base = c.baseAddress else { return }
                // ComplexSample is two Floats (re, im): the same memory as 2n interleaved floats.
                UnsafeMutableRawPointer(base).withMemoryRebound(to: Float.self, capacity: 2 * samples) { f in
                    _ = format.convert(block, into: UnsafeMutableBufferPointer(start: f, count: 2 * samples))
                }
                shifter?.process(UnsafeMutableBufferPointer(start: base, count: samples))
                bank.process(complex: UnsafeBufferPointer(start: base, count: samples), into: &outputs)
            }
        } else {
            if real.count < samples { real = [Float](repeating: 0, count: samples) }
            real.withUnsafeMutableBufferPointer { r in
                _ = format.convert(block, into: UnsafeMutableBufferPointer(rebasing: r[0..<samples]))
                bank.process(real: UnsafeBufferPointer(rebasing: r[0..<samples]), into: &outputs)
            }
        }
    }

    /// Samples lost to an overrun still took their time: the Doppler correction moves on by as much.
    public mutating func discontinuity(_ gap: SampleRing.DropEvent, into outputs: inout [ReceivedFrame]) throws {
        shifter?.skip(samples: gap.count / format.bytesPerSample)
    }

    public mutating func finish(into outputs: inout [ReceivedFrame]) throws {
        bank.finish(sampleRate: sampleRate, complex: format.isComplex, into: &outputs)
    }
}

/// A sample file's data region as a byte source for the pipeline (the header was parsed on open).
///
/// `@unchecked Sendable`: the file object is used by the pipeline's source thread alone while the
/// pipeline runs; its owner reads counters from it only after the output stream has finished.
public struct SampleFileByteSource: SampleSource, @unchecked Sendable {
    let file: SampleFileSource

    public init(_ file: SampleFileSource) { self.file = file }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try file.readRawBytes(into: buffer)
    }
}
