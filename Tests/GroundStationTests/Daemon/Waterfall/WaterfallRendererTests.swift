import Foundation
import GroundStation
import TelemetryDecode
import Testing

@Suite struct WaterfallRendererTests {
    /// 48 kHz IQ, FFT 256 (187.5 Hz bins), 40 rows of 80 ms; a +3 kHz tone (bin 144) in rows 10..<20.
    static func toneWaterfall() -> WaterfallSnapshot {
        let fs = 48_000.0, n = 256, rowSamples = 15 * n
        var acc = WaterfallAccumulator(fftSize: n, sampleRate: fs, input: .complex, rowDuration: 0.08)
        var state: UInt64 = 9
        func noise() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return 0.01 * (Float(state >> 40) / Float(1 << 24) - 0.5)
        }
        var samples: [ComplexSample] = []
        for i in 0..<(40 * rowSamples) {
            var s = ComplexSample(noise(), noise())
            if (10..<20).contains(i / rowSamples) {
                let ph = 2 * Double.pi * 3_000 * Double(i) / fs
                s.re += Float(0.5 * cos(ph))
                s.im += Float(0.5 * sin(ph))
            }
            samples.append(s)
        }
        acc.append(samples)
        return acc.snapshot()
    }

    static func brightness(_ c: RGBImage.Color) -> Int { Int(c.r) + Int(c.g) + Int(c.b) }

    /// Rendered, encoded, and decoded back through libpng: right size, the tone in its column and rows.
    @Test func toneLandsInItsColumnAndRowsThroughPNG() throws {
        let w = Self.toneWaterfall()
        let start = Date(timeIntervalSince1970: 1_795_626_000)  // 2026-11-25T17:00:00Z
        let renderer = WaterfallRenderer(start: start)
        let layout = renderer.layout(for: w)
        #expect(layout.rowHeight == 6 && layout.plotWidth == 256 && layout.plotHeight == 240)
        let png = try renderer.png(w)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let image = try PNGCodec.decode(png)
        #expect(image.width == layout.imageWidth && image.height == layout.imageHeight)
        #expect(image == renderer.render(w), "PNG round trip is lossless")

        let toneColumn = layout.column(ofBin: 144)
        for row in 0..<40 {
            for y in layout.pixelRows(ofRow: row) {
                let plot = (layout.plotX..<(layout.plotX + layout.plotWidth)).map { Self.brightness(image[$0, y]) }
                let top = plot.max() ?? 0
                // The automatic range saturates the tone's bin and its two Hann neighbours (-6 dB).
                let brightest = plot.indices.filter { plot[$0] == top }.map { layout.plotX + $0 }
                if (10..<20).contains(row) {
                    #expect(brightest.contains(toneColumn) && brightest.allSatisfy { abs($0 - toneColumn) <= 1 },
                            "pixel row \(y) (waterfall row \(row)): brightest columns \(brightest)")
                    #expect(Self.brightness(image[toneColumn, y]) > 600, "tone pixel \(image[toneColumn, y])")
                } else {
                    #expect(Self.brightness(image[toneColumn, y]) < 300, "no tone at row \(row): \(image[toneColumn, y])")
                }
            }
        }
    }

    /// A fixed scale: the -6 dB tone sits at 90% of -60...0 dB, i.e. the orange stop, and is the one
    /// brightest column of its rows.
    @Test func fixedScaleMapsDecibelsToKnownColours() throws {
        let w = Self.toneWaterfall()
        let renderer = WaterfallRenderer(colorScale: .fixed(minimum: -60, maximum: 0), rowHeight: 2)
        let image = try PNGCodec.decode(try renderer.png(w))
        let layout = renderer.layout(for: w)
        #expect(layout.plotHeight == 80)
        let c = image[layout.column(ofBin: 144), layout.pixelRows(ofRow: 15).lowerBound]
        #expect(abs(Int(c.r) - 255) <= 3 && abs(Int(c.g) - 160) <= 8 && abs(Int(c.b) - 60) <= 5, "tone colour \(c)")
        for row in 10..<20 {
            let y = layout.pixelRows(ofRow: row).lowerBound
            let plot = (layout.plotX..<(layout.plotX + layout.plotWidth)).map { Self.brightness(image[$0, y]) }
            #expect(layout.plotX + (plot.indices.max { plot[$0] < plot[$1] } ?? 0) == layout.column(ofBin: 144), "row \(row)")
        }
        // Colour bar: top is the maximum (white), bottom the minimum (black).
        let barX = layout.plotX + layout.plotWidth + 10
        #expect(image[barX, layout.plotY] == RGBImage.Color(255, 255, 255))
        #expect(image[barX, layout.plotY + layout.plotHeight - 1] == RGBImage.Color(0, 0, 0))
    }

    /// The frequency axis has a "0" under the centre bin, drawn with the bitmap font, and the clock
    /// axis starts at 17:00:00.
    @Test func axisLabelsAreDrawnWhereTheyBelong() throws {
        let w = Self.toneWaterfall()
        let renderer = WaterfallRenderer(start: Date(timeIntervalSince1970: 1_795_626_000))
        let image = renderer.render(w)
        let l = renderer.layout(for: w)
        let ink = RGBImage.Color(225, 225, 225)
        // "0" kHz centred under bin 128 (0 Hz).
        let zeroX = l.column(ofBin: 128) - BitmapFont.textWidth("0") / 2
        let labelY = l.plotY + l.plotHeight + 6
        expectGlyph("0", in: image, x: zeroX, y: labelY, ink: ink)
        // "-20" kHz label exists left of the centre: bin of -20 kHz is 128 - 106.67 -> column 21.
        let minus20 = l.plotX + Int(((-20_000.0 - w.frequency(ofBin: 0)) / w.binSpacing).rounded())
        expectGlyph("-", in: image, x: minus20 - BitmapFont.textWidth("-20") / 2, y: labelY, ink: ink)
        // First clock label, right-aligned left of the plot at the first row.
        let clock = "17:00:00"
        let clockX = l.plotX - 6 - BitmapFont.textWidth(clock)
        for (i, ch) in clock.enumerated() {
            expectGlyph(ch, in: image, x: clockX + i * (BitmapFont.width + BitmapFont.spacing), y: 0 + max(0, l.plotY - 3), ink: ink)
        }
    }

    func expectGlyph(_ c: Character, in image: RGBImage, x: Int, y: Int, ink: RGBImage.Color, sourceLocation: SourceLocation = #_sourceLocation) {
        let on = Set(BitmapFont.pixels(c).map { "\($0.0),\($0.1)" })
        var wrong = 0
        for dy in 0..<BitmapFont.height {
            for dx in 0..<BitmapFont.width {
                let isInk = image[x + dx, y + dy] == ink
                if isInk != on.contains("\(dx),\(dy)") { wrong += 1 }
            }
        }
        #expect(wrong == 0, "glyph \(c) at (\(x), \(y)): \(wrong) pixels differ", sourceLocation: sourceLocation)
    }

    @Test func automaticRangeComesFromPercentiles() {
        let values = (0..<1000).map { Float($0) / 10 - 100 }  // -100 ... -0.1
        let (lo, hi) = WaterfallColorScale.automatic(low: 10, high: 90).range(of: values)
        #expect(abs(lo - -90) < 0.2 && abs(hi - -10) < 0.2)
        let flat = WaterfallColorScale.standard.range(of: [Float](repeating: -40, count: 10))
        #expect(flat.minimum == -40 && flat.maximum == -39, "a flat waterfall still gets a 1 dB range")
        #expect(WaterfallColorScale.standard.range(of: []) == (-100, 0))
    }

    @Test func emptyWaterfallStillRenders() throws {
        let acc = WaterfallAccumulator(fftSize: 64, sampleRate: 9_600, input: .real, rowDuration: 1)
        let image = try PNGCodec.decode(try WaterfallRenderer().png(acc.snapshot()))
        #expect(image.width == 64 + 33 + 64 && image.height == 16 + 16 + 28)
    }

    @Test func garbageIsAnErrorNotACrash() throws {
        #expect(throws: PNGCodec.Failure.self) { try PNGCodec.decode([0x89, 0x50, 0x4E, 0x47, 1, 2, 3]) }
        #expect(throws: PNGCodec.Failure.self) { try PNGCodec.decode([]) }
        var png = try WaterfallRenderer().png(Self.toneWaterfall())
        png.removeLast(png.count / 2)
        #expect(throws: PNGCodec.Failure.self) { try PNGCodec.decode(png) }
    }

    @Test func writesAFileThatDecodes() throws {
        let dir = try FilesTestDirectory("gsd-waterfall")
        let path = dir.file("pass.png")
        let image = WaterfallRenderer(title: "COLUMBIA 42702").render(Self.toneWaterfall())
        try PNGCodec.write(image, to: path)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(try PNGCodec.decode(bytes) == image)
    }
}
