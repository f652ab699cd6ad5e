import Foundation
import TelemetryDecode

/// Draws a waterfall as an image: the spectrogram (frequency offset across, time down), labelled
/// axes (kHz; seconds from the start, or UTC when the start time is known), and a dB colour bar.
public struct WaterfallRenderer: Sendable {
    public var colorScale: WaterfallColorScale
    /// The UTC time of the first row; the time axis shows seconds from the start when nil.
    public var start: Date?
    /// Pixel rows per waterfall row; nil chooses enough to make the plot at least 240 pixels tall.
    public var rowHeight: Int?
    /// A line above the plot (e.g. satellite and pass), drawn with the bitmap font's characters.
    public var title: String?

    public init(colorScale: WaterfallColorScale = .standard, start: Date? = nil, rowHeight: Int? = nil, title: String? = nil) {
        self.colorScale = colorScale
        self.start = start
        self.rowHeight = rowHeight
        self.title = title
    }

    static let background = RGBImage.Color(24, 24, 28)
    static let ink = RGBImage.Color(225, 225, 225)

    public func layout(for w: WaterfallSnapshot) -> WaterfallLayout { WaterfallLayout(w, rowHeight: rowHeight) }

    /// The PNG bytes of `render(w)`.
    public func png(_ w: WaterfallSnapshot) throws -> [UInt8] { try PNGCodec.encode(render(w)) }

    public func render(_ w: WaterfallSnapshot) -> RGBImage {
        let l = layout(for: w)
        var image = RGBImage(width: l.imageWidth, height: l.imageHeight, background: Self.background)
        let (lo, hi) = colorScale.range(of: w.decibels)
        image.fill(x: l.plotX, y: l.plotY, width: l.plotWidth, height: l.plotHeight, .init(0, 0, 0))
        for row in 0..<w.rowCount {
            for bin in 0..<w.binCount {
                let color = WaterfallColorScale.color((w.value(row: row, bin: bin) - lo) / (hi - lo))
                for y in l.pixelRows(ofRow: row) { image[l.column(ofBin: bin), y] = color }
            }
        }
        drawFrequencyAxis(&image, w, l)
        drawTimeAxis(&image, w, l)
        drawColorBar(&image, l, lo, hi)
        if let title { image.draw(title, x: l.plotX, y: 4, Self.ink) }
        return image
    }

    /// The step among 1, 2, 5 x 10^k that gives at most `maxTicks` ticks over `span`.
    static func niceStep(span: Double, maxTicks: Int) -> Double {
        guard span > 0, span.isFinite, maxTicks > 0 else { return 1 }
        let raw = span / Double(maxTicks)
        let magnitude = pow(10, floor(log10(raw)))
        for m in [1.0, 2, 5, 10] where m * magnitude >= raw { return m * magnitude }
        return 10 * magnitude
    }

    static func format(_ value: Double, step: Double) -> String {
        let decimals = max(0, Int(-floor(log10(step) + 1e-9)))
        let text = String(format: "%.\(decimals)f", value)
        return text == "-0" ? "0" : text
    }

    private func drawFrequencyAxis(_ image: inout RGBImage, _ w: WaterfallSnapshot, _ l: WaterfallLayout) {
        let axisY = l.plotY + l.plotHeight
        let low = w.frequency(ofBin: 0), high = w.frequency(ofBin: max(0, w.binCount - 1))
        let step = Self.niceStep(span: high - low, maxTicks: max(1, l.plotWidth / 48))
        var lastLabelEnd = Int.min
        var f = (low / step).rounded(.up) * step
        while f <= high + step * 1e-9 {
            let x = l.plotX + Int(((f - low) / w.binSpacing).rounded())
            image.fill(x: x, y: axisY, width: 1, height: 4, Self.ink)
            let label = Self.format(f / 1000, step: step / 1000)
            let width = BitmapFont.textWidth(label)
            let left = x - width / 2
            if left > lastLabelEnd + 4 {
                image.draw(label, x: left, y: axisY + 6, Self.ink)
                lastLabelEnd = left + width
            }
            f += step
        }
        let unit = "kHz"
        image.draw(unit, x: l.plotX + l.plotWidth - BitmapFont.textWidth(unit), y: axisY + 17, Self.ink)
    }

    private func drawTimeAxis(_ image: inout RGBImage, _ w: WaterfallSnapshot, _ l: WaterfallLayout) {
        image.draw(start == nil ? "s" : "UTC", x: 4, y: 4, Self.ink)
        guard w.rowCount > 0, w.rowDuration > 0 else { return }
        let secondsPerPixel = w.rowDuration / Double(l.rowHeight)
        let span = Double(l.plotHeight) * secondsPerPixel
        let maxTicks = max(1, l.plotHeight / 24)
        let step: Double
        if start != nil {
            // Whole seconds and the usual clock divisions.
            let choices: [Double] = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200]
            step = choices.first { span / $0 <= Double(maxTicks) } ?? 7200
        } else {
            step = Self.niceStep(span: span, maxTicks: maxTicks)
        }
        // With a start time, ticks fall on whole clock multiples of the step.
        let offset: Double
        if let start {
            let t0 = start.timeIntervalSince1970
            offset = (t0 / step).rounded(.up) * step - t0
        } else {
            offset = 0
        }
        var t = offset
        while t <= span + 1e-9 {
            let y = l.plotY + Int((t / secondsPerPixel).rounded())
            if y <= l.plotY + l.plotHeight {
                image.fill(x: l.plotX - 4, y: y, width: 4, height: 1, Self.ink)
                let label = start.map { Self.clock($0.addingTimeInterval(t)) } ?? Self.format(t, step: step)
                image.draw(label, x: l.plotX - 6 - BitmapFont.textWidth(label), y: max(0, y - 3), Self.ink)
            }
            t += step
        }
    }

    private func drawColorBar(_ image: inout RGBImage, _ l: WaterfallLayout, _ lo: Float, _ hi: Float) {
        let x = l.plotX + l.plotWidth + 10, width = 10
        let height = l.plotHeight
        for y in 0..<height {
            let fraction = height == 1 ? 1 : 1 - Float(y) / Float(height - 1)
            image.fill(x: x, y: l.plotY + y, width: width, height: 1, WaterfallColorScale.color(fraction))
        }
        image.draw("dB", x: x, y: 4, Self.ink)
        let step = Self.niceStep(span: Double(hi - lo), maxTicks: max(1, height / 24))
        var v = (Double(lo) / step).rounded(.up) * step
        while v <= Double(hi) + 1e-9 {
            let y = l.plotY + Int(((Double(hi) - v) / Double(hi - lo) * Double(max(1, height - 1))).rounded())
            image.fill(x: x + width, y: y, width: 3, height: 1, Self.ink)
            image.draw(Self.format(v, step: step), x: x + width + 5, y: max(0, y - 3), Self.ink)
            v += step
        }
    }

    /// HH:MM:SS of `date` in UTC.
    static func clock(_ date: Date) -> String {
        let seconds = Int(floor(date.timeIntervalSince1970)) % 86_400
        let s = seconds < 0 ? seconds + 86_400 : seconds
        return String(format: "%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
    }
}
