/// Doppler correction for a downlink: the receiver is tuned to f·(1 − ṙ/c), where ṙ is the range rate
/// (km/s, positive when the satellite recedes), retuning at most once per `interval` seconds and never
/// for a change under `minimumChange` hertz (1 Hz by default).
public struct DopplerCorrection: Sendable, Hashable {
    /// Speed of light in km/s.
    public static let speedOfLight = 299_792.458

    /// The transmitted (nominal) downlink frequency in hertz.
    public var nominalFrequency: Double
    /// Seconds between retunes.
    public var interval: Double
    /// Smallest frequency change, in hertz, worth a retune.
    public var minimumChange: Double

    /// The last frequency returned by `retune` and when (seconds on the caller's clock).
    public private(set) var lastFrequency: Double?
    public private(set) var lastTime: Double?

    public init(nominalFrequency: Double, interval: Double = 1, minimumChange: Double = 1) {
        self.nominalFrequency = nominalFrequency
        self.interval = max(0, interval)
        self.minimumChange = max(0, minimumChange)
    }

    /// The received frequency for a transmitter at `nominal` hertz seen with range rate `rangeRate` km/s.
    public static func downlinkFrequency(nominal: Double, rangeRate: Double) -> Double {
        nominal * (1 - rangeRate / speedOfLight)
    }

    /// The corrected frequency now.
    public func frequency(rangeRate: Double) -> Double {
        Self.downlinkFrequency(nominal: nominalFrequency, rangeRate: rangeRate)
    }

    /// The frequency to tune at `time` (seconds) for `rangeRate`, or nil when it is not yet time to
    /// retune or the change from the last tuned frequency is under `minimumChange`. The first call
    /// always tunes.
    public mutating func retune(at time: Double, rangeRate: Double) -> Double? {
        guard rangeRate.isFinite, time.isFinite else { return nil }
        let f = frequency(rangeRate: rangeRate)
        if let lastTime, let lastFrequency {
            if time - lastTime < interval { return nil }
            if abs(f - lastFrequency) < minimumChange { return nil }
        }
        lastFrequency = f
        lastTime = time
        return f
    }

    /// Forgets the last tuning (the next `retune` always tunes).
    public mutating func reset() {
        lastFrequency = nil
        lastTime = nil
    }
}
