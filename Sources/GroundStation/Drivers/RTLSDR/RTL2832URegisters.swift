/// Register access to an RTL2832U over USB vendor control transfers, and the demodulator settings the
/// SDR mode needs. Facts from the chip's public register documentation:
/// - bmRequestType 0x40 writes / 0xC0 reads, bRequest 0, wValue the register address, wIndex the block
///   (<< 8) with bit 4 set for writes;
/// - demodulator registers: wValue = reg << 8 | 0x20, wIndex = page (| 0x10 to write), and every write is
///   followed by a read of page 0x0a register 0x01 (the write only takes effect after it);
/// - I2C: block 6, wValue = the 8-bit device address; a write carries the register then the values.
struct RTL2832URegisters: Sendable {
    enum Block: UInt16 { case demod = 0, usb = 1, sys = 2, tuner = 3, rom = 4, ir = 5, iic = 6 }

    // USB block registers.
    static let usbSysctl: UInt16 = 0x2000
    static let usbEpaCtl: UInt16 = 0x2148
    static let usbEpaMaxPkt: UInt16 = 0x2158
    // SYS block registers.
    static let demodCtl: UInt16 = 0x3000
    static let gpo: UInt16 = 0x3001
    static let gpoe: UInt16 = 0x3003
    static let gpd: UInt16 = 0x3004
    static let demodCtl1: UInt16 = 0x300b

    static let timeoutMs: UInt32 = 300

    let usb: USBDeviceHandle

    func write(_ block: Block, _ address: UInt16, _ value: UInt16, length: Int) throws(USBError) {
        let bytes: [UInt8] = length == 1 ? [UInt8(value & 0xff)] : [UInt8(value >> 8), UInt8(value & 0xff)]
        try usb.controlOut(requestType: 0x40, request: 0, value: address, index: block.rawValue << 8 | 0x10,
                           data: bytes, timeoutMs: Self.timeoutMs,
                           operation: "write \(block) register 0x\(String(address, radix: 16))")
    }

    func read(_ block: Block, _ address: UInt16, length: Int) throws(USBError) -> UInt16 {
        let b = try usb.controlIn(requestType: 0xC0, request: 0, value: address, index: block.rawValue << 8,
                                  length: length, timeoutMs: Self.timeoutMs,
                                  operation: "read \(block) register 0x\(String(address, radix: 16))")
        guard b.count == length else {
            throw USBError(code: -1, operation: "read \(block) register 0x\(String(address, radix: 16)): short read")
        }
        return length == 1 ? UInt16(b[0]) : UInt16(b[1]) << 8 | UInt16(b[0])
    }

    func demodWrite(page: UInt8, _ reg: UInt16, _ value: UInt16, length: Int = 1) throws(USBError) {
        let bytes: [UInt8] = length == 1 ? [UInt8(value & 0xff)] : [UInt8(value >> 8), UInt8(value & 0xff)]
        try usb.controlOut(requestType: 0x40, request: 0, value: reg << 8 | 0x20, index: UInt16(page) | 0x10,
                           data: bytes, timeoutMs: Self.timeoutMs,
                           operation: "write demod page \(page) register 0x\(String(reg, radix: 16))")
        _ = try demodRead(page: 0x0a, 0x01)
    }

    func demodWrite(page: UInt8, _ reg: UInt16, bytes: [UInt8]) throws(USBError) {
        try usb.controlOut(requestType: 0x40, request: 0, value: reg << 8 | 0x20, index: UInt16(page) | 0x10,
                           data: bytes, timeoutMs: Self.timeoutMs,
                           operation: "write demod page \(page) registers 0x\(String(reg, radix: 16))+\(bytes.count)")
        _ = try demodRead(page: 0x0a, 0x01)
    }

    func demodRead(page: UInt8, _ reg: UInt16) throws(USBError) -> UInt8 {
        let b = try usb.controlIn(requestType: 0xC0, request: 0, value: reg << 8 | 0x20, index: UInt16(page),
                                  length: 1, timeoutMs: Self.timeoutMs,
                                  operation: "read demod page \(page) register 0x\(String(reg, radix: 16))")
        guard let v = b.first else { throw USBError(code: -1, operation: "read demod page \(page) register 0x\(String(reg, radix: 16)): no data") }
        return v
    }

    func i2cWrite(address: UInt8, _ bytes: [UInt8]) throws(USBError) {
        try usb.controlOut(requestType: 0x40, request: 0, value: UInt16(address), index: Block.iic.rawValue << 8 | 0x10,
                           data: bytes, timeoutMs: Self.timeoutMs,
                           operation: "I2C write to 0x\(String(address, radix: 16))")
    }

    func i2cRead(address: UInt8, length: Int) throws(USBError) -> [UInt8] {
        try usb.controlIn(requestType: 0xC0, request: 0, value: UInt16(address), index: Block.iic.rawValue << 8,
                          length: length, timeoutMs: Self.timeoutMs,
                          operation: "I2C read from 0x\(String(address, radix: 16))")
    }

    /// Reads one register of an I2C device the usual way (pointer write, then a 1-byte read); nil when
    /// nothing acknowledges.
    func i2cProbe(address: UInt8, register: UInt8) -> UInt8? {
        do {
            try i2cWrite(address: address, [register])
            return try i2cRead(address: address, length: 1).first
        } catch {
            return nil
        }
    }

    func i2cRepeater(_ on: Bool) throws(USBError) {
        try demodWrite(page: 1, 0x01, on ? 0x18 : 0x10)
    }

    /// The default low-pass FIR of the SDR mode: 8 signed 8-bit then 8 signed 12-bit coefficients.
    static let firCoefficients: [Int] = [-54, -36, -41, -40, -32, -14, 14, 53, 101, 156, 215, 273, 327, 372, 404, 421]

    /// Packs the coefficients into the 20 bytes of page 1 registers 0x1c-0x2f.
    static func packedFIR(_ fir: [Int]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 20)
        for i in 0..<8 { out[i] = UInt8(truncatingIfNeeded: fir[i]) }
        var i = 0
        while i < 8 {
            let a = fir[8 + i] & 0xfff, b = fir[9 + i] & 0xfff
            out[8 + i * 3 / 2] = UInt8(a >> 4)
            out[8 + i * 3 / 2 + 1] = UInt8((a << 4 | b >> 8) & 0xff)
            out[8 + i * 3 / 2 + 2] = UInt8(b & 0xff)
            i += 2
        }
        return out
    }

    /// Powers the demodulator up and puts it in SDR (zero-IF, raw ADC samples over bulk) mode.
    func initBaseband() throws(USBError) {
        try write(.usb, Self.usbSysctl, 0x09, length: 1)            // USB block init
        try write(.usb, Self.usbEpaMaxPkt, 0x0002, length: 2)       // bulk packets of 512 bytes
        try write(.usb, Self.usbEpaCtl, 0x1002, length: 2)          // stall + reset the FIFO
        try write(.sys, Self.demodCtl1, 0x22, length: 1)            // power on the ADCs
        try write(.sys, Self.demodCtl, 0xe8, length: 1)             // demod on, PLL on
        try demodWrite(page: 1, 0x01, 0x14)                         // soft reset
        try demodWrite(page: 1, 0x01, 0x10)
        try demodWrite(page: 1, 0x15, 0x00)                         // no spectrum inversion
        try demodWrite(page: 1, 0x16, 0x0000, length: 2)            // no adjacent channel rejection
        for r: UInt16 in 0x16...0x1b { try demodWrite(page: 1, r, 0x00) }  // DDC shift and IF frequency 0
        for (i, b) in Self.packedFIR(Self.firCoefficients).enumerated() {  // one register at a time
            try demodWrite(page: 1, 0x1c + UInt16(i), UInt16(b))
        }
        try demodWrite(page: 0, 0x19, 0x05)                         // SDR mode
        try demodWrite(page: 1, 0x93, 0xf0)                         // FSM state holding
        try demodWrite(page: 1, 0x94, 0x0f)
        try demodWrite(page: 1, 0x11, 0x00)                         // digital AGC off
        try demodWrite(page: 1, 0x04, 0x00)                         // RF/IF AGC loop off
        try demodWrite(page: 0, 0x61, 0x60)                         // PID filter off
        try demodWrite(page: 0, 0x06, 0x80)                         // ADC I/Q default
        try demodWrite(page: 1, 0xb1, 0x1b)                         // zero-IF, DC cancel, IQ compensation
        try demodWrite(page: 0, 0x0d, 0x83)                         // no 4.096 MHz clock output
    }

    /// The demodulator's IF (DDC) frequency: -if * 2^22 / xtal as a 22-bit two's-complement word.
    func setIFFrequency(_ hz: Double, xtal: Double) throws(USBError) {
        let word = Int64((-hz * 4_194_304.0 / xtal).rounded()) & 0x3fffff
        try demodWrite(page: 1, 0x19, UInt16((word >> 16) & 0x3f))
        try demodWrite(page: 1, 0x1a, UInt16((word >> 8) & 0xff))
        try demodWrite(page: 1, 0x1b, UInt16(word & 0xff))
    }

    /// Stalls and restarts the bulk endpoint's FIFO (before streaming).
    func resetBuffer() throws(USBError) {
        try write(.usb, Self.usbEpaCtl, 0x1002, length: 2)
        try write(.usb, Self.usbEpaCtl, 0x0000, length: 2)
    }

    func setGPIO(_ bit: Int, output value: Bool) throws(USBError) {
        let mask = UInt16(1 << bit)
        let gpd = try read(.sys, Self.gpd, length: 1)
        try write(.sys, Self.gpd, gpd & ~mask, length: 1)        // direction: output
        let gpoe = try read(.sys, Self.gpoe, length: 1)
        try write(.sys, Self.gpoe, gpoe | mask, length: 1)       // output enable
        let gpo = try read(.sys, Self.gpo, length: 1)
        try write(.sys, Self.gpo, value ? gpo | mask : gpo & ~mask, length: 1)
    }
}
