import TelemetryDecode

/// Where a waterfall's plot sits in the rendered image: one pixel column per bin (lowest frequency at
/// the left) and `rowHeight` pixel rows per waterfall row (oldest at the top).
public struct WaterfallLayout: Sendable, Equatable {
    public var plotX: Int
    public var plotY: Int
    public var plotWidth: Int
    public var plotHeight: Int
    public var rowHeight: Int
    public var imageWidth: Int
    public var imageHeight: Int

    static let left = 64, right = 64, top = 16, bottom = 28
    static let minimumPlotHeight = 240

    init(_ w: WaterfallSnapshot, rowHeight requested: Int?) {
        rowHeight = max(1, requested ?? (w.rowCount == 0 ? 1 : Self.minimumPlotHeight / w.rowCount))
        plotX = Self.left
        plotY = Self.top
        plotWidth = max(1, w.binCount)
        plotHeight = w.rowCount == 0 ? 16 : w.rowCount * rowHeight
        imageWidth = Self.left + plotWidth + Self.right
        imageHeight = Self.top + plotHeight + Self.bottom
    }

    /// The image column of bin `bin`.
    public func column(ofBin bin: Int) -> Int { plotX + bin }
    /// The image rows of waterfall row `row`.
    public func pixelRows(ofRow row: Int) -> Range<Int> { (plotY + row * rowHeight)..<(plotY + (row + 1) * rowHeight) }
}
