import Foundation
import TelemetryDecode

/// Everything `gsd run` needs, decoded from one YAML file and validated once (see
/// `DaemonConfigurationParser`; the commented example is `examples/station.yaml`).
/// Relative paths have already been resolved against the configuration file's folder.
public struct DaemonConfiguration: Sendable {
    public struct Station: Sendable, Equatable {
        public var name: String
        public var callsign: String?
        public var location: GeodeticPosition
    }

    /// One recording the `file` source plays as a scheduled pass.
    public struct FileRecording: Sendable, Equatable {
        public var path: String
        public var norad: Int
        public var format: SampleFormat?
        public var rate: Double?
        public var iq: Bool
        public var frequencyOffset: Double?

        public init(path: String, norad: Int, format: SampleFormat? = nil, rate: Double? = nil, iq: Bool = false, frequencyOffset: Double? = nil) {
            self.path = path
            self.norad = norad
            self.format = format
            self.rate = rate
            self.iq = iq
            self.frequencyOffset = frequencyOffset
        }
    }

    /// The `file` source: recordings played one after the other as if they were live passes.
    public struct FileSource: Sendable, Equatable {
        public var recordings: [FileRecording]
        /// 1 = real time; 0 = as fast as the decoder goes.
        public var speed: Double
        /// Seconds from daemon start to the first pass.
        public var startDelay: Double
        /// Seconds between the end of one recording and the start of the next.
        public var gap: Double

        public init(recordings: [FileRecording], speed: Double = 1, startDelay: Double = 5, gap: Double = 5) {
            self.recordings = recordings
            self.speed = speed
            self.startDelay = startDelay
            self.gap = gap
        }
    }

    public struct RTLTCPSource: Sendable, Equatable {
        public var endpoint: HamlibEndpoint
        public var sampleRate: Double
        public var gain: Double?
        public var ppm: Int = 0
        /// The receiver is tuned this many hertz below the downlink, so the signal sits away from the
        /// DC spike of direct-conversion tuners.
        public var tuningOffset: Double = 0
        /// Seconds of samples held between the receiver and the decoders (see `Source.bufferSeconds`).
        public var bufferSeconds: Double = Source.defaultBufferSeconds

        public init(
            endpoint: HamlibEndpoint, sampleRate: Double, gain: Double? = nil, ppm: Int = 0, tuningOffset: Double = 0,
            bufferSeconds: Double = Source.defaultBufferSeconds
        ) {
            self.endpoint = endpoint
            self.sampleRate = sampleRate
            self.gain = gain
            self.ppm = ppm
            self.tuningOffset = tuningOffset
            self.bufferSeconds = bufferSeconds
        }
    }

    public struct SDRSource: Sendable, Equatable {
        /// Name of a profile in hw-profiles/ (empty when `soapyArguments` name the device directly).
        public var profile: String
        public var sampleRate: Double
        public var gain: Double?
        public var serial: String?
        /// `device: soapy:ARGS`: open this SoapySDR device, no profile needed.
        public var soapyArguments: String? = nil
        public var ppm: Int = 0
        public var tuningOffset: Double = 0
        /// SoapySDR only: antenna port, gain per named element (dB). Analogue bandwidth (Hz): the SoapySDR
        /// device's filter, or the R82xx IF filter of the native driver (default: the sample rate's).
        public var antenna: String? = nil
        public var gainElements: [String: Double] = [:]
        public var bandwidth: Double? = nil
        /// SoapySDR only: the samples asked of the driver (CS16/CF32 keep a 12-16-bit receiver's range).
        public var streamFormat: SoapySDRSampleSource.StreamFormat = .cs8
        public var bufferSeconds: Double = Source.defaultBufferSeconds

        public init(
            profile: String, sampleRate: Double, gain: Double? = nil, serial: String? = nil, soapyArguments: String? = nil, ppm: Int = 0,
            tuningOffset: Double = 0, antenna: String? = nil, gainElements: [String: Double] = [:], bandwidth: Double? = nil,
            streamFormat: SoapySDRSampleSource.StreamFormat = .cs8, bufferSeconds: Double = Source.defaultBufferSeconds
        ) {
            self.bufferSeconds = bufferSeconds
            self.profile = profile
            self.sampleRate = sampleRate
            self.gain = gain
            self.serial = serial
            self.soapyArguments = soapyArguments
            self.ppm = ppm
            self.tuningOffset = tuningOffset
            self.antenna = antenna
            self.gainElements = gainElements
            self.bandwidth = bandwidth
            self.streamFormat = streamFormat
        }
    }

    public enum Source: Sendable, Equatable {
        case file(FileSource)
        case rtlTCP(RTLTCPSource)
        case sdr(SDRSource)

        public var kind: String {
            switch self {
            case .file: "file"
            case .rtlTCP: "rtl_tcp"
            case .sdr: "sdr"
            }
        }

        /// Hertz the receiver is tuned below the downlink (live sources).
        public var tuningOffset: Double {
            switch self {
            case .file: 0
            case .rtlTCP(let r): r.tuningOffset
            case .sdr(let s): s.tuningOffset
            }
        }

        /// A live receiver never waits for the decoders: what they have not taken after this many seconds is
        /// dropped (and counted). More absorbs a slow machine's bursts of load at the cost of memory
        /// (rate × bytes per sample × seconds, rounded up to a power of two).
        public static let defaultBufferSeconds = 10.0

        public var bufferSeconds: Double {
            switch self {
            case .file: Self.defaultBufferSeconds
            case .rtlTCP(let r): r.bufferSeconds
            case .sdr(let s): s.bufferSeconds
            }
        }

        /// The live receiver's sample rate (nil for the file source).
        public var liveSampleRate: Double? {
            switch self {
            case .file: nil
            case .rtlTCP(let r): r.sampleRate
            case .sdr(let s): s.sampleRate
            }
        }
    }

    public struct Hardware: Sendable, Equatable {
        public var source: Source
        public var rotctld: HamlibEndpoint?
        public var rigctld: HamlibEndpoint?
    }

    public enum Storage: Sendable, Equatable {
        case sqlite(path: String)
        case postgresql(url: String)
    }

    public struct HTTP: Sendable, Equatable {
        public var host: String
        public var port: Int
        /// SHA-256 digests of the accepted bearer tokens (plain tokens in the file are hashed on load).
        public var tokenDigests: [[UInt8]]
    }

    /// Where decoded frames are forwarded (SiDS and the like; the forwarder reads these).
    public struct PublishingTarget: Sendable, Equatable {
        public var kind: String
        public var url: String
        public var options: [String: String]
    }

    public var file: String
    public var station: Station
    public var hardware: Hardware
    /// NORAD ids in priority order (earlier wins an overlap).
    public var satellites: [Int]
    public var tleFiles: [String]
    /// Degrees.
    public var minimumElevation: Double
    public var storage: Storage
    public var http: HTTP
    public var dataDirectory: String
    /// Record each pass's samples to SigMF under `dataDirectory/sigmf` (`pass-ID.sigmf-meta`/`-data`, frames
    /// as annotations).
    public var recordSigMF: Bool
    /// Submitted recordings must lie inside this folder (nil: submissions refused).
    public var replayDirectory: String?
    public var publishing: [PublishingTarget]
    /// Hours of passes to predict ahead.
    public var scheduleHours: Double
}
