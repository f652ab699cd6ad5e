import Foundation
import Testing
import GroundStation
import RTLSDREmulator

/// One emulated RTL2832U + R82xx dongle on a umockdev testbed (see Tests/Emulators/RTLSDREmulator),
/// stopped (testbed folder removed) on release. Create it before the `USBContext`.
final class EmulatedDongle: @unchecked Sendable {
    // @unchecked: the C emulator locks its own state; the pointer is immutable.
    let pointer: OpaquePointer

    static var preloadActive: Bool { gsd_rtlsdr_emulator_preload_active() != 0 }
    static let skipReason: Comment = "needs umockdev's preload: run under umockdev-wrapper (scripts/test does)"

    struct StartError: Error, CustomStringConvertible { var description: String }

    init(serial: String = "00000001", tuner: Int32 = Int32(GSD_RTLSDR_EMULATOR_R820T.rawValue), paced: Bool = false) throws {
        var error = [CChar](repeating: 0, count: 512)
        let p: OpaquePointer? = serial.withCString { s in
            var o = gsd_rtlsdr_emulator_options()
            o.serial = s
            o.tuner = tuner
            o.paced = paced ? 1 : 0
            return gsd_rtlsdr_emulator_start(&o, &error, error.count)
        }
        guard let p else {
            throw StartError(description: String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        pointer = p
    }

    deinit { gsd_rtlsdr_emulator_stop(pointer) }

    var state: gsd_rtlsdr_emulator_state {
        var s = gsd_rtlsdr_emulator_state()
        gsd_rtlsdr_emulator_get_state(pointer, &s)
        return s
    }

    func demod(page: Int, _ reg: Int) -> Int { Int(gsd_rtlsdr_emulator_register(pointer, 0, UInt32(page << 8 | reg))) }
    func sys(_ address: Int) -> Int { Int(gsd_rtlsdr_emulator_register(pointer, 2, UInt32(address))) }
    /// An R82xx register as last written (0x05-0x1f) or its status (0x00-0x04, as the chip shifts it out).
    func tuner(_ reg: Int) -> Int { Int(gsd_rtlsdr_emulator_register(pointer, 6, UInt32(reg))) }
    /// The IF the RTL2832U's DDC is set to remove (from its IF word).
    var intermediateFrequency: Double { -Double(state.if_frequency_word) * 28_800_000 / 4_194_304 }
    func unplug() { gsd_rtlsdr_emulator_unplug(pointer) }
    func replug() { gsd_rtlsdr_emulator_replug(pointer) }
    func stallControl(_ n: Int32) { gsd_rtlsdr_emulator_stall_control(pointer, n) }
    func holdControl(_ n: Int32) { gsd_rtlsdr_emulator_hold_control(pointer, n) }
    func stallBulk(_ n: Int32) { gsd_rtlsdr_emulator_stall_bulk(pointer, n) }
    func shortBulk(_ n: Int32, length: Int32) { gsd_rtlsdr_emulator_short_bulk(pointer, n, length) }
}

/// Runs `body` with a new emulated dongle opened (index 0) through the native driver; closes both after.
func withOpenedDongle<R>(
    serial: String = "00000001", tuner: Int32 = Int32(GSD_RTLSDR_EMULATOR_R820T.rawValue), paced: Bool = false,
    _ body: (EmulatedDongle, RTLSDRDevice) throws -> R
) throws -> R {
    let dongle = try EmulatedDongle(serial: serial, tuner: tuner, paced: paced)
    defer { withExtendedLifetime(dongle) {} }
    let context = try USBContext()
    defer { context.close() }
    let device = try RTLSDRDevice.open(.index(0), context: context)
    defer { device.close() }
    return try body(dongle, device)
}

/// Checks the emulator's counter pattern: stream byte k is byte k % 4 of the little-endian word k / 4.
struct CounterPatternChecker {
    private(set) var offset = 0
    private(set) var firstMismatch: Int?
    /// Bytes checked (the pattern may start at a later stream offset, see `init(startingAt:)`).
    var count: Int { offset - start }
    private var start = 0

    init(startingAt offset: Int = 0) {
        self.offset = offset
        start = offset
    }

    mutating func check(_ bytes: UnsafeRawBufferPointer) {
        for b in bytes {
            let word = UInt32(truncatingIfNeeded: offset >> 2)
            let expected = UInt8(truncatingIfNeeded: word >> (8 * UInt32(offset & 3)))
            if b != expected && firstMismatch == nil { firstMismatch = offset }
            offset += 1
        }
    }
}

/// A thread-safe box for values set from USB callbacks.
final class Collected<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [T] = []
    func append(_ v: T) { lock.withLock { items.append(v) } }
    var all: [T] { lock.withLock { items } }

    /// Polls until `predicate` holds for the items, or `timeout` passes.
    func wait(timeout: Duration, until predicate: ([T]) -> Bool) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if predicate(all) { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return predicate(all)
    }
}
