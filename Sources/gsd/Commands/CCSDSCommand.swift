import ArgumentParser
import Foundation
import GroundStation
import TelemetryDecode

struct CCSDSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ccsds", abstract: "Work with CCSDS TM telemetry.", subcommands: [CCSDSDecodeCommand.self])
}

struct CCSDSDecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode CCSDS TM transfer frames from a file of soft symbols or packed hard bits.",
        discussion: """
            Runs the chain [Viterbi →] [NRZ-M →] sync marker → [derandomiser →] [Reed-Solomon →] transfer frame \
            over the file, streaming it in chunks. Soft symbols are one unsigned byte each (0 = strong 0, \
            255 = strong 1, 128 = erasure); with --conv they are channel symbols, two per information bit, \
            G1 first. Hard input is packed bits, most significant first. Prints one line per transfer frame \
            that passed Reed-Solomon (and its FECF where there is one): hex, or a JSON object with --json. \
            Frames that fail are counted and reported on stderr; decoding carries on with the next marker. \
            Exit status 1 if any error was reported.
            """)

    enum SymbolKind: String, ExpressibleByArgument, CaseIterable {
        case soft
        case hard
    }

    enum FECFMode: String, ExpressibleByArgument, CaseIterable {
        /// Report fecf_ok true when the last two bytes are a matching CRC, null otherwise.
        case auto
        /// Frames end in a FECF: it must match.
        case yes
        /// Frames have no FECF.
        case no
    }

    @Argument(help: "Symbol file; '-' reads standard input.")
    var file: String

    @Option(help: "Input: soft (one byte per symbol) or hard (packed bits, MSB first).")
    var symbols: SymbolKind

    @Option(name: .customLong("asm"), help: "Attached sync marker in hex, 4 to 16 digits (16-64 bits).")
    var asmHex: String = "1ACFFC1D"

    @Option(help: "Transfer frame length in bytes without RS parity (default 223 × interleave, or 223 without RS).")
    var frameLength: Int?

    @Option(help: "Reed-Solomon: none, conventional or dual (basis).")
    var rs: String = "dual"

    @Option(help: "Reed-Solomon interleaving depth (1-5 or 8).")
    var interleave: Int = 1

    @Flag(inversion: .prefixedNo, help: "CCSDS pseudo-randomiser on the frames.")
    var randomizer = true

    @Option(help: "Convolutional code: none, k7-ccsds (G2 inverted) or k7-nasa (no inversion).")
    var conv: String = "none"

    @Option(help: "Punctured rate of the convolutional code: 1/2 (none), 2/3, 3/4, 5/6 or 7/8.")
    var puncture: String = "1/2"

    @Flag(help: "The bits are differentially (NRZ-M) precoded (decoded after Viterbi, before the marker search).")
    var differential = false

    @Option(help: "FECF: auto (report it when the last two bytes match), yes (frames must carry a good FECF) or no.")
    var fecf: FECFMode = .auto

    @Option(help: "Sync marker bit errors tolerated while searching.")
    var syncErrors: Int = 4

    @Flag(help: "One JSON object per frame: hex, scid, vcid, mc_count, vc_count, rs_corrected, fecf_ok, ...")
    var json = false

    func chain() throws -> CCSDSChainConfiguration {
        let digits = asmHex.hasPrefix("0x") || asmHex.hasPrefix("0X") ? String(asmHex.dropFirst(2)) : asmHex
        guard (4...16).contains(digits.count), let pattern = UInt64(digits, radix: 16) else {
            throw ValidationError("--asm must be 4 to 16 hex digits (16-64 bits), got '\(asmHex)'")
        }
        guard let rsMode = CCSDSChainConfiguration.ReedSolomon(rawValue: rs.lowercased()) else {
            throw ValidationError("--rs must be none, conventional or dual, got '\(rs)'")
        }
        guard ["none", "k7-ccsds", "k7-nasa"].contains(conv.lowercased()) else {
            throw ValidationError("--conv must be none, k7-ccsds or k7-nasa, got '\(conv)'")
        }
        do throws(CCSDSError) {
            let marker = try SyncMarker(pattern: pattern, bitCount: digits.count * 4)
            let code = try CCSDSChainConfiguration.convolutionalCode(named: conv)
            let punct = try CCSDSChainConfiguration.puncturing(named: puncture)
            let length = frameLength ?? (rsMode == .none ? 223 : 223 * interleave)
            let c = CCSDSChainConfiguration(
                convolutional: code, puncturing: punct, marker: marker, randomizer: randomizer, reedSolomon: rsMode,
                interleaveDepth: interleave, frameLength: length, precoding: differential ? .differential : .none,
                hasFECF: fecf == .yes, searchErrors: syncErrors, lockedErrors: max(syncErrors, marker.bitCount / 4),
                framing: "CCSDS")
            try c.validate()
            return c
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        let config = try chain()
        var deframer: CCSDSDeframer
        do { deframer = try CCSDSDeframer(config) } catch { throw ValidationFailure(error.description) }
        let reader: ByteStreamReader
        do { reader = try ByteStreamReader(path: file) } catch { throw ValidationFailure(error.description) }
        let name = reader.displayName
        var frames: [CCSDSDeframer.Frame] = []
        var soft: [UInt8] = []
        var good = 0
        var errors = 0

        func handle() throws {
            for f in frames {
                if let failure = f.failure {
                    errors += 1
                    printError("gsd: \(name): frame ending at symbol \(f.symbolPosition): \(failure)")
                    continue
                }
                good += 1
                try StandardOutput.line(render(f))
            }
            frames.removeAll(keepingCapacity: true)
        }

        do {
            try reader.forEachChunk { chunk in
                switch symbols {
                case .soft:
                    deframer.process(chunk, into: &frames)
                case .hard:
                    soft.removeAll(keepingCapacity: true)
                    for byte in chunk {
                        for i in (0..<8).reversed() { soft.append((byte >> UInt8(i)) & 1 != 0 ? 255 : 0) }
                    }
                    soft.withUnsafeBufferPointer { deframer.process($0, into: &frames) }
                }
                try handle()
                // Standard input may be a live demodulator: each chunk's frames go out now.
                try StandardOutput.finish()
            }
        } catch let e as FileInputError {
            throw ValidationFailure(e.description)
        }
        let unfinished = deframer.finish(into: &frames)
        try handle()
        for u in unfinished {
            errors += 1
            printError("gsd: \(name): \(u)")
        }
        let s = deframer.statistics
        printError(
            "gsd: \(name): \(good) frames, \(errors) errors (\(s.reedSolomonFailures) uncorrectable, "
                + "\(s.fecfFailures) FECF mismatches, \(unfinished.count) truncated), \(s.correctedSymbols) RS symbols corrected")
        if errors > 0 { throw ExitCode(1) }
    }

    func render(_ f: CCSDSDeframer.Frame) -> String {
        // Without a configured FECF, look for one: a matching CRC over the frame says it is there.
        var fecfOK: Bool? = nil
        var parsed = f.transferFrame
        switch f.fecfVerdict {
        case .good: fecfOK = true
        case .bad: fecfOK = false
        case .absent:
            if fecf == .auto, f.bytes.count >= 9 {
                let n = f.bytes.count
                let received = (UInt16(f.bytes[n - 2]) << 8) | UInt16(f.bytes[n - 1])
                let computed = UInt16(truncatingIfNeeded: CRCAlgorithm.ibm3740.checksum(f.bytes[0..<(n - 2)]))
                if computed == received {
                    fecfOK = true
                    parsed = try? TransferFrame(parsing: f.bytes, configuration: .init(frameLength: n, hasFECF: true))
                }
            }
        }
        guard json else { return hexString(f.bytes) }
        var o = JSONLine()
        o.add("offset", f.symbolPosition)
        o.add("length", f.bytes.count)
        o.add("hex", hexString(f.bytes))
        if let t = parsed {
            o.add("version", Int(t.header.version))
            o.add("scid", Int(t.header.spacecraftID))
            o.add("vcid", Int(t.header.virtualChannelID))
            o.add("mc_count", Int(t.header.masterChannelFrameCount))
            o.add("vc_count", Int(t.header.virtualChannelFrameCount))
            o.add("fhp", Int(t.header.firstHeaderPointer))
            o.add("ocf", t.operationalControlField.map { String(format: "%08x", $0.rawValue) } ?? "")
        } else {
            for key in ["scid", "vcid", "mc_count", "vc_count"] { o.addNull(key) }
            if let e = f.parseError { o.add("header_error", e.description) }
        }
        o.add("rs_corrected", f.correctedSymbols)
        if let fecfOK { o.add("fecf_ok", fecfOK) } else { o.addNull("fecf_ok") }
        o.add("inverted", f.inverted)
        o.add("marker_errors", f.markerErrors)
        return o.text
    }
}
