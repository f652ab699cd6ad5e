import Foundation
import Testing

/// `gsd ccsds decode` on symbol files made here: two CCSDS TM frames (SCID 0x2AB, VCID 5, counters
/// 7/9 and 8/10, with FECF), RS(255,223) dual basis, randomised, behind the ASM 0x1ACFFC1D.
@Suite struct CCSDSCLITests {
    static let frames = [
        "2aba07091ffe070e151c232a31383f464d545b626970777e858c939aa1a8afb6bdc4cbd2d9e0e7eef5fc030a11181f262d343b424950575e656c737a81888f969da4abb2b9c0c7ced5dce3eaf1f8ff060d141b222930373e454c535a61686f767d848b9299a0a7aeb5bcc3cad1d8dfe6edf4fb020910171e252c333a41484f565d646b727980878e959ca3aab1b8bfc6cdd4dbe2e9f0f7fe050c131a21282f363d444b525960676e757c838a91989fa6adb4bbc2c9d0d7dee5ecf3fa01080f161d242b323940474e555c636a71787f868d949ba2a9b0b7bec5ccd3dae184ef",
        "2aba080a1ffe080f161d242b323940474e555c636a71787f868d949ba2a9b0b7bec5ccd3dae1e8eff6fd040b121920272e353c434a51585f666d747b828990979ea5acb3bac1c8cfd6dde4ebf2f900070e151c232a31383f464d545b626970777e858c939aa1a8afb6bdc4cbd2d9e0e7eef5fc030a11181f262d343b424950575e656c737a81888f969da4abb2b9c0c7ced5dce3eaf1f8ff060d141b222930373e454c535a61686f767d848b9299a0a7aeb5bcc3cad1d8dfe6edf4fb020910171e252c333a41484f565d646b727980878e959ca3aab1b8bfc6cdd4dbe2ab03",
    ]
    /// The frames' randomised codewords (data + 32 parity), as sent after the marker.
    static let codewords = [
        "d5f209c985f377b29b30b087968f798817c326ae5bd2c8408f9c6212356545074354d653edfa0697e9a524515e7692ba981ac0da2c152922714d906ba8135af5608490b0d1f5053ced6ead5c6f25e43f6749ec12e3bacbc66d0f9578325fc5b187c4fd9649cb224ac4d85ea7ec62e994394f15639c05eeee75abbf7ee7271ad9a9e4877bd9578c4677559970caccd32364a30721c3db041ea4030b936df68429d445934118ce70ffb0eef63e6770466dff5b02449d87301fa7f2c2e898b55929cf279b14ba1c686dde7888039ca9cc10284be8ae011f783c41f0b1ffd2fe43548879c1caa29f240e3f11235f8a1dda71f95049d90556b2fccffd74130d045b",
        "d5f206ca85f378b39831b786958e068914c221af58d3c7418c9d651336645a064055d152eefb0996eaa423505d77adbb9b1bc7db2f142623724c976aab1245f4638597b1d2f40a3dee6faa5d6c241b3e6448eb13e0bbc4c76e0e9279315edab084c5fa974aca2d4bc7d959a6ef63d6953a4e12629f04e1ef76aab87fe42605d8aae5807ada56834774549e71c9cdac2267a20020c0da0b1fa7020c926ef79b28d74494401bcf7ffeb3eff13f6471796cfc5a05459e863f1ea4f3c5e99bb44628cc269c15b91d676cdd798f029fa833112b4aefaf021e773d42f1b6fed1d1aff0b2d4bf0f78c9cf1be834a3e568beb355d3e351953c488378e25a687b2eba01",
    ]

    static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex {
            let j = hex.index(i, offsetBy: 2)
            out.append(UInt8(hex[i..<j], radix: 16) ?? 0)
            i = j
        }
        return out
    }

    static func bits(_ bytes: [UInt8]) -> [UInt8] { bytes.flatMap { b in (0..<8).map { (b >> (7 - UInt8($0))) & 1 } } }

    /// Filler, then marker + codeword per frame, then filler; `byteErrors` bytes of the first codeword damaged.
    static func streamBits(byteErrors: Int = 0) -> [UInt8] {
        var out = (0..<45).map { UInt8($0 * 5 % 3 & 1) }
        for (k, hex) in codewords.enumerated() {
            var cw = bytes(hex)
            if k == 0 { for e in 0..<byteErrors { cw[10 + 17 * e] ^= 0x5A } }
            out += bits([0x1A, 0xCF, 0xFC, 0x1D]) + bits(cw)
        }
        return out + (0..<64).map { UInt8($0 * 7 % 5 & 1) }
    }

    /// CCSDS K=7 r=1/2: G1 = 0171, then G2 = 0133 inverted, encoder starting at 0.
    static func convolutionallyEncoded(_ bits: [UInt8]) -> [UInt8] {
        var r = 0
        var out: [UInt8] = []
        for b in bits {
            r = ((r << 1) | Int(b)) & 0x7F
            out.append(UInt8((r & 0x4F).nonzeroBitCount & 1))
            out.append(UInt8((r & 0x6D).nonzeroBitCount & 1) ^ 1)
        }
        return out
    }

    static func soft(_ bits: [UInt8], inverted: Bool = false) -> Data {
        Data(bits.map { ($0 != 0) != inverted ? 210 : 40 })
    }

    static func packed(_ bits: [UInt8]) -> Data {
        var out: [UInt8] = []
        var i = 0
        while i < bits.count {
            var b: UInt8 = 0
            for k in 0..<8 { b = b << 1 | (i + k < bits.count ? bits[i + k] : 0) }
            out.append(b)
            i += 8
        }
        return Data(out)
    }

    static func withFile<T>(_ data: Data, _ body: (String) async throws -> T) async throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gsd-ccsds-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("symbols.bin")
        try data.write(to: url)
        return try await body(url.path)
    }

    static func json(_ stdout: String) throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func softSymbolsHexLines() async throws {
        let r = try await Self.withFile(Self.soft(Self.streamBits(byteErrors: 3))) {
            try await GSDProcess.run(["ccsds", "decode", $0, "--symbols", "soft"])
        }
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == Self.frames.joined(separator: "\n") + "\n")
    }

    @Test func jsonFields() async throws {
        let r = try await Self.withFile(Self.soft(Self.streamBits(byteErrors: 3), inverted: true)) {
            try await GSDProcess.run(["ccsds", "decode", $0, "--symbols", "soft", "--rs", "dual", "--frame-length", "223", "--json"])
        }
        #expect(r.status == 0, "\(r.stderr)")
        let objects = try Self.json(r.stdout)
        #expect(objects.count == 2)
        let first = try #require(objects.first)
        #expect(first["hex"] as? String == Self.frames[0])
        #expect(first["scid"] as? Int == 0x2AB)
        #expect(first["vcid"] as? Int == 5)
        #expect(first["mc_count"] as? Int == 7)
        #expect(first["vc_count"] as? Int == 9)
        #expect(first["rs_corrected"] as? Int == 3)
        #expect(first["fecf_ok"] as? Bool == true)
        #expect(objects.last?["mc_count"] as? Int == 8)
        #expect(objects.last?["rs_corrected"] as? Int == 0)
    }

    @Test func convolutionalCodeInvertedChannel() async throws {
        let symbols = Self.convolutionallyEncoded(Self.streamBits(byteErrors: 2))
        let r = try await Self.withFile(Self.soft(symbols, inverted: true)) {
            try await GSDProcess.run(["ccsds", "decode", $0, "--symbols", "soft", "--conv", "k7-ccsds", "--json"])
        }
        #expect(r.status == 0, "\(r.stderr)")
        let objects = try Self.json(r.stdout)
        #expect(objects.map { $0["hex"] as? String } == Self.frames.map { Optional($0) })
        #expect(objects.first?["rs_corrected"] as? Int == 2)
    }

    @Test func hardBits() async throws {
        let r = try await Self.withFile(Self.packed(Self.streamBits(byteErrors: 1))) {
            try await GSDProcess.run(["ccsds", "decode", $0, "--symbols", "hard", "--asm", "1ACFFC1D", "--interleave", "1", "--randomizer"])
        }
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == Self.frames.joined(separator: "\n") + "\n")
    }

    @Test func wrongChainFindsNothingGood() async throws {
        // In the conventional basis the dual-basis codewords are not codewords: counted errors, no output.
        let r = try await Self.withFile(Self.soft(Self.streamBits())) {
            try await GSDProcess.run(["ccsds", "decode", $0, "--symbols", "soft", "--rs", "conventional"])
        }
        #expect(r.stdout.isEmpty)
        #expect(r.status == 1)
        #expect(r.stderr.contains("uncorrectable"), "\(r.stderr)")
    }

    @Test func truncatedFileReportsAndKeepsTheGoodFrame() async throws {
        let bits = Self.streamBits()
        let cut = 45 + 32 + 255 * 8 + 32 + 1000
        let r = try await Self.withFile(Self.soft(Array(bits.prefix(cut)))) {
            try await GSDProcess.run(["ccsds", "decode", $0, "--symbols", "soft"])
        }
        #expect(r.stdout == Self.frames[0] + "\n")
        #expect(r.status == 1)
        #expect(r.stderr.contains("truncated"), "\(r.stderr)")
    }

    @Test func garbageDoesNotCrash() async throws {
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        let garbage = Data((0..<300_000).map { _ -> UInt8 in
            x ^= x << 13
            x ^= x >> 7
            x ^= x << 17
            return UInt8(truncatingIfNeeded: x)
        })
        for extra in [[String](), ["--conv", "k7-nasa"], ["--rs", "none", "--frame-length", "32"]] {
            let r = try await Self.withFile(garbage) {
                try await GSDProcess.run(["ccsds", "decode", $0, "--symbols", "soft"] + extra)
            }
            #expect(r.status == 0 || r.status == 1, "\(extra): status \(r.status) \(r.stderr)")
            #expect(r.stderr.contains("frames"), "\(r.stderr)")
            if extra.isEmpty || extra.first == "--conv" { #expect(r.stdout.isEmpty) }
        }
    }

    @Test func badOptionsAreRefused() async throws {
        let r1 = try await GSDProcess.run(["ccsds", "decode", "/nonexistent/file", "--symbols", "soft"])
        #expect(r1.status != 0)
        #expect(r1.stderr.contains("/nonexistent/file"))
        for args in [["--rs", "triple"], ["--asm", "XYZ"], ["--conv", "k9"], ["--interleave", "6"], ["--frame-length", "300"]] {
            let r = try await Self.withFile(Data([1, 2, 3])) {
                try await GSDProcess.run(["ccsds", "decode", $0, "--symbols", "soft"] + args)
            }
            #expect(r.status != 0, "\(args)")
            #expect(!r.stderr.isEmpty)
            #expect(r.stdout.isEmpty)
        }
    }
}
