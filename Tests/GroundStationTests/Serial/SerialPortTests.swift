import Foundation
import GroundStation
import TelemetryDecode
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A pseudo-terminal pair: the slave is the "serial device" under test, the master is the modem.
final class PTYPair: @unchecked Sendable {
    private(set) var master: Int32
    private var slave: Int32
    let slavePath: String

    init() throws {
        var m: Int32 = -1, s: Int32 = -1
        guard openpty(&m, &s, nil, nil, nil) == 0 else {
            throw SerialPortError.system(path: "openpty", operation: "openpty", errno: errno)
        }
        guard let name = ttyname(s) else {
            close(m)
            close(s)
            throw SerialPortError.system(path: "pty", operation: "ttyname", errno: errno)
        }
        master = m
        slave = s
        slavePath = String(cString: name)
        // The master side must not translate either.
        var tio = termios()
        tcgetattr(m, &tio)
        cfmakeraw(&tio)
        tcsetattr(m, TCSANOW, &tio)
    }

    /// Our own slave descriptor keeps the pty alive until the port under test has it open.
    func releaseSlave() {
        if slave >= 0 { close(slave) }
        slave = -1
    }

    func closeMaster() {
        if master >= 0 { close(master) }
        master = -1
    }

    deinit {
        releaseSlave()
        closeMaster()
    }

    func writeMaster(_ bytes: [UInt8]) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(master, $0.baseAddress! + done, $0.count - done) }
            if n <= 0 { return }
            done += n
        }
    }

    /// Reads from the master until `count` bytes arrived or `timeout` passed.
    func readMaster(count: Int, timeout: Duration = .seconds(5)) -> [UInt8] {
        var out: [UInt8] = []
        let deadline = ContinuousClock.now + timeout
        while out.count < count, ContinuousClock.now < deadline {
            var pfd = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 100) > 0 else { continue }
            var buf = [UInt8](repeating: 0, count: 4096)
            let n = buf.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            out += buf[0..<n]
        }
        return out
    }
}

@Suite struct SerialPortTests {
    static let allBytes = (0...255).map { UInt8($0) }
    /// TIOCGEXCL = _IOR('T', 0x40, int) on Linux; the macro does not import.
    static let tiocgexcl: UInt = 0x8004_5440

    @Test func configuresRaw8N1WithoutFlowControl() throws {
        let pty = try PTYPair()
        let port = try SerialPort(path: pty.slavePath, baudRate: 115_200)
        defer { port.close() }
        // termios settings belong to the terminal: read them back through another descriptor.
        let fd = open(pty.slavePath, O_RDWR | O_NOCTTY | O_NONBLOCK)
        if fd >= 0 {
            defer { close(fd) }
            var tio = termios()
            #expect(tcgetattr(fd, &tio) == 0)
            #expect(cfgetospeed(&tio) == speed_t(B115200) && cfgetispeed(&tio) == speed_t(B115200))
            #expect(tio.c_cflag & tcflag_t(CSIZE) == tcflag_t(CS8))
            #expect(tio.c_cflag & (tcflag_t(PARENB) | tcflag_t(CSTOPB) | tcflag_t(CRTSCTS)) == 0)
            #expect(tio.c_cflag & tcflag_t(CLOCAL) != 0 && tio.c_cflag & tcflag_t(CREAD) != 0)
            #expect(tio.c_iflag & (tcflag_t(IXON) | tcflag_t(IXOFF) | tcflag_t(ICRNL)) == 0)
            #expect(tio.c_lflag & (tcflag_t(ICANON) | tcflag_t(ECHO) | tcflag_t(ISIG)) == 0)
            #expect(tio.c_oflag & tcflag_t(OPOST) == 0)
            // Exclusive mode is on (TIOCGEXCL, Linux >= 3.8).
            var excl: Int32 = 0
            if ioctl(fd, Self.tiocgexcl, &excl) == 0 { #expect(excl != 0) }
        } else {
            // Not root: TIOCEXCL refuses the second open, which is the point.
            #expect(errno == EBUSY)
        }
    }

    @Test func secondOpenIsRefusedWhenNotRoot() throws {
        let pty = try PTYPair()
        let port = try SerialPort(path: pty.slavePath)
        defer { port.close() }
        guard geteuid() != 0 else { return }  // root bypasses TIOCEXCL; checked via TIOCGEXCL above
        #expect(throws: SerialPortError.busy(path: pty.slavePath)) { try SerialPort(path: pty.slavePath) }
    }

    @Test(arguments: [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115_200, 230_400])
    func supportedBaudRates(baud: Int) throws {
        let pty = try PTYPair()
        let port = try SerialPort(path: pty.slavePath, baudRate: baud)
        port.close()
        #expect(port.baudRate == baud)
    }

    @Test func readsKISSFramesWrittenOnTheMaster() throws {
        let pty = try PTYPair()
        let port = try SerialPort(path: pty.slavePath, baudRate: 9600)
        pty.releaseSlave()
        let modem = KISSModem(link: port)
        defer { modem.close() }
        // Every byte value, including FEND/FESC, XON/XOFF, CR/LF and ^C: raw mode must pass them all.
        let frames = [
            KISSFrame(payload: Self.allBytes),
            KISSFrame(port: 3, payload: Array("N0CALL>CQ:hi\r\n".utf8)),
            KISSFrame(payload: [KISS.fend, KISS.fesc, KISS.fend]),
        ]
        var stream: [UInt8] = [KISS.fend]  // a leading FEND as TNCs send
        for f in frames { stream += KISSEncoder.encode(f) }
        // In pieces, splitting escapes and frames across writes.
        for chunk in stride(from: 0, to: stream.count, by: 37) {
            pty.writeMaster(Array(stream[chunk..<min(chunk + 37, stream.count)]))
        }
        var got: [KISSFrame] = []
        while got.count < frames.count, let f = try modem.nextFrame(timeout: .seconds(5)) { got.append(f) }
        #expect(got.map(\.payload) == frames.map(\.payload))
        #expect(got.map(\.port) == [0, 3, 0])
    }

    @Test func readTimesOutWithNothing() throws {
        let pty = try PTYPair()
        let port = try SerialPort(path: pty.slavePath)
        defer { port.close() }
        let start = ContinuousClock.now
        #expect(try port.read(timeout: .milliseconds(200)).isEmpty)
        #expect(ContinuousClock.now - start >= .milliseconds(150))
        #expect(try KISSModem(link: port).nextFrame(timeout: .milliseconds(100)) == nil)
    }

    @Test func sentFramesArriveOnTheMasterByteForByte() throws {
        let pty = try PTYPair()
        let port = try SerialPort(path: pty.slavePath, baudRate: 230_400)
        pty.releaseSlave()
        let modem = KISSModem(link: port)
        defer { modem.close() }
        let ax25 = try AX25TextParser.parse("N0CALL-1>APRS,WIDE1-1:test <0xc0><0xdb><0x0a><0x0d><0x11><0x13>")
        try modem.send(ax25, port: 1)
        try modem.send(KISSFrame(payload: Self.allBytes))
        let expected = KISSEncoder.encode(KISSFrame(port: 1, payload: ax25.bytes)) + KISSEncoder.encode(KISSFrame(payload: Self.allBytes))
        #expect(pty.readMaster(count: expected.count) == expected)
    }

    @Test func closingTheMasterIsDeviceGone() throws {
        let pty = try PTYPair()
        let path = pty.slavePath
        let port = try SerialPort(path: path)
        defer { port.close() }
        pty.releaseSlave()
        pty.writeMaster(KISSEncoder.encode(KISSFrame(payload: [1, 2, 3])))
        let modem = KISSModem(link: port)
        #expect(try modem.nextFrame(timeout: .seconds(5))?.payload == [1, 2, 3])
        pty.closeMaster()
        do {
            // The hang-up shows up at the next read, well before the timeout.
            let start = ContinuousClock.now
            _ = try port.read(timeout: .seconds(5))
            Issue.record("read after hang-up returned instead of throwing (after \(ContinuousClock.now - start))")
        } catch let e {
            guard case .deviceGone(let p, _) = e else {
                Issue.record("expected deviceGone, got \(e)")
                return
            }
            #expect(p == path)
            #expect(e.description.contains(path) && e.description.contains("device gone"))
        }
        #expect(throws: SerialPortError.self) { try port.write([KISS.fend]) }
    }

    @Test func closedPortThrowsClosed() throws {
        let pty = try PTYPair()
        let port = try SerialPort(path: pty.slavePath)
        port.close()
        #expect(throws: SerialPortError.closed(path: pty.slavePath)) { try port.read(timeout: .milliseconds(10)) }
        #expect(throws: SerialPortError.closed(path: pty.slavePath)) { try port.write([1]) }
    }

    @Test func badPathsGiveClearErrors() throws {
        #expect(throws: SerialPortError.noSuchDevice(path: "/dev/ttyGSD-does-not-exist")) {
            try SerialPort(path: "/dev/ttyGSD-does-not-exist")
        }
        let e = SerialPortError.noSuchDevice(path: "/dev/ttyGSD-does-not-exist")
        #expect(e.description == "serial device /dev/ttyGSD-does-not-exist: no such device")

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("gsd-not-a-tty-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: file, contents: Data([1, 2, 3]))
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(throws: SerialPortError.notATerminal(path: file)) { try SerialPort(path: file) }

        let pty = try PTYPair()
        #expect(throws: SerialPortError.unsupportedBaudRate(path: pty.slavePath, baud: 12345)) {
            try SerialPort(path: pty.slavePath, baudRate: 12345)
        }
        if geteuid() != 0 {
            // Not readable by us: a file only root may open.
            let locked = file + ".locked"
            _ = FileManager.default.createFile(atPath: locked, contents: nil, attributes: [.posixPermissions: 0o000])
            defer { try? FileManager.default.removeItem(atPath: locked) }
            #expect(throws: SerialPortError.permissionDenied(path: locked)) { try SerialPort(path: locked) }
        }
        #expect(SerialPortError.permissionDenied(path: "/dev/ttyS0").description.contains("/dev/ttyS0: permission denied"))
        #expect(SerialPortError.deviceGone(path: "/dev/ttyUSB0", errno: EIO).description == "serial device /dev/ttyUSB0: device gone (Input/output error)")
    }
}
