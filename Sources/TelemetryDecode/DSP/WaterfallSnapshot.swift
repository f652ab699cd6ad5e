/// Waterfall rows in dB, ready to render: row 0 is the oldest; bin 0 the lowest frequency.
public struct WaterfallSnapshot: Sendable, Equatable {
    public var rowCount: Int
    public var binCount: Int
    /// `rowCount * binCount` values, row after row; 10·log10 of the power (0 dB = full-scale tone).
    public var decibels: [Float]
    /// Seconds each row covers; the last row may cover less (`lastRowDuration`).
    public var rowDuration: Double
    public var lastRowDuration: Double
    /// Hz of bin 0 (negative for complex input) and between bins.
    public var firstBinFrequency: Double
    public var binSpacing: Double
    public var input: WaterfallAccumulator.Input

    public init(
        rowCount: Int, binCount: Int, decibels: [Float], rowDuration: Double, lastRowDuration: Double,
        firstBinFrequency: Double, binSpacing: Double, input: WaterfallAccumulator.Input
    ) {
        self.rowCount = rowCount
        self.binCount = binCount
        self.decibels = decibels
        self.rowDuration = rowDuration
        self.lastRowDuration = lastRowDuration
        self.firstBinFrequency = firstBinFrequency
        self.binSpacing = binSpacing
        self.input = input
    }

    public func value(row: Int, bin: Int) -> Float { decibels[row * binCount + bin] }

    /// Seconds from the start of the input to the start of `row`.
    public func time(ofRow row: Int) -> Double { Double(row) * rowDuration }
    /// Seconds of signal covered by all rows.
    public var duration: Double { rowCount == 0 ? 0 : Double(rowCount - 1) * rowDuration + lastRowDuration }
    public func frequency(ofBin bin: Int) -> Double { firstBinFrequency + Double(bin) * binSpacing }
}
