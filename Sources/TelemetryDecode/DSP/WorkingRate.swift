/// Which rate a demodulator runs at, given the rate its input arrives at.
///
/// Symbol timing and the one-symbol matched filter want a whole number of samples per symbol, and at
/// few samples per symbol the fractional part matters (44.1 kHz audio carries a 9600 Bd signal at
/// 4.59 samples per symbol; 37.5 kHz at 3.9). There the input is resampled (`PolyphaseResampler`) to
/// the next whole number of samples per symbol, at least `minimumSamplesPerSymbol`. With many
/// samples per symbol the input rate is kept, unless it is far more than needed (wide IQ), which is
/// then brought down to `preferredSamplesPerSymbol`.
public enum WorkingRate {
    /// Samples per symbol from which a fractional part no longer matters.
    public static let wholeEnough = 8.0

    /// The rate to run at; equal to `inputRate` when no resampling is needed.
    public static func choose(
        inputRate: Double, baudRate: Double, minimumSamplesPerSymbol: Int = 4, maximumSamplesPerSymbol: Double = .infinity,
        preferredSamplesPerSymbol: Int = 8
    ) -> Double {
        guard inputRate.isFinite, baudRate.isFinite, inputRate > 0, baudRate > 0 else { return inputRate }
        let sps = inputRate / baudRate
        if sps > maximumSamplesPerSymbol {
            return baudRate * Double(max(minimumSamplesPerSymbol, preferredSamplesPerSymbol))
        }
        let whole = sps.rounded()
        if abs(sps - whole) < 1e-6 * sps || sps >= wholeEnough { return inputRate }
        return baudRate * max(Double(minimumSamplesPerSymbol), sps.rounded(.up))
    }
}
