/// How AX.25's HDLC bits travel on the channel. Decoding undoes the steps in reverse order of sending.
public enum AX25LineCoding: String, Sendable, Hashable, CaseIterable {
    /// NRZI only (1200 Bd AFSK style).
    case nrzi
    /// NRZI, then the G3RUH scrambler x^17 + x^12 + 1 (9600 Bd style).
    case g3ruh
    /// UA01 (PolyITAN 2-SAU): G3RUH-scrambled, then NRZI-encoded twice, as gr-satellites' UA01 deframer
    /// decodes it (two NRZI decoders, then the descrambler).
    case doubleNRZIThenG3RUH

    var scrambled: Bool { self != .nrzi }
}

/// Channel bits → HDLC bits for one `AX25LineCoding`, streaming: the state carries over between calls.
struct AX25ChannelDecoder: Sendable {
    let coding: AX25LineCoding
    var descrambler = G3RUHDescrambler()
    var nrzi = NRZIDecoder()
    var outerNRZI = NRZIDecoder()

    init(_ coding: AX25LineCoding) { self.coding = coding }

    /// Decodes hard channel bits (0/1) in place.
    mutating func process(_ bits: UnsafeMutableBufferPointer<UInt8>) {
        switch coding {
        case .nrzi:
            nrzi.process(bits)
        case .g3ruh:
            descrambler.process(bits)
            nrzi.process(bits)
        case .doubleNRZIThenG3RUH:
            outerNRZI.process(bits)
            nrzi.process(bits)
            descrambler.process(bits)
        }
    }
}

/// HDLC bits → channel bits for one `AX25LineCoding` (test transmitters and loopback).
public struct AX25ChannelEncoder: Sendable {
    public let coding: AX25LineCoding
    var scrambler = G3RUHScrambler()
    var nrzi = NRZIEncoder()
    var outerNRZI = NRZIEncoder()

    public init(_ coding: AX25LineCoding) { self.coding = coding }

    /// Encodes HDLC bits (0/1) in place.
    public mutating func process(_ bits: inout [UInt8]) {
        bits.withUnsafeMutableBufferPointer { b in
            switch coding {
            case .nrzi:
                nrzi.process(b)
            case .g3ruh:
                nrzi.process(b)
                scrambler.process(b)
            case .doubleNRZIThenG3RUH:
                scrambler.process(b)
                nrzi.process(b)
                outerNRZI.process(b)
            }
        }
    }
}
