import Foundation

/// A USB vendor/product id pair, written `0bda:2838` (lower-case hex, as lsusb and sysfs show it).
public struct USBID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var vendor: UInt16
    public var product: UInt16

    public init(vendor: UInt16, product: UInt16) {
        self.vendor = vendor
        self.product = product
    }

    /// Parses `vvvv:pppp` (hex, 1-4 digits each).
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let v = Self.hex(parts[0]), let p = Self.hex(parts[1]) else { return nil }
        self.init(vendor: v, product: p)
    }

    /// A sysfs `idVendor`/`idProduct` value or a udev `ID_VENDOR_ID` property: 4 hex digits.
    static func hex(_ text: Substring) -> UInt16? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard (1...4).contains(t.count) else { return nil }
        return UInt16(t, radix: 16)
    }

    public var vendorHex: String { Self.format(vendor) }
    public var productHex: String { Self.format(product) }
    public var description: String { "\(vendorHex):\(productHex)" }

    static func format(_ v: UInt16) -> String {
        let h = String(v, radix: 16)
        return String(repeating: "0", count: 4 - h.count) + h
    }

    public static func < (a: USBID, b: USBID) -> Bool { (a.vendor, a.product) < (b.vendor, b.product) }
}
