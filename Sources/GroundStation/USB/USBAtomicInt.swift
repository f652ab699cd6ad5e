import Synchronization

/// An atomic Int at a fixed heap address, shared between Swift threads and libusb's event thread
/// (flags such as "stopping" and in-flight counts; never handed to libusb itself).
final class USBAtomicInt: Sendable {
    private let value: Atomic<Int>

    init(_ initial: Int = 0) { value = Atomic(initial) }

    func load() -> Int { value.load(ordering: .acquiring) }
    func store(_ v: Int) { value.store(v, ordering: .releasing) }
    /// Stores `v`, returns the previous value.
    func exchange(_ v: Int) -> Int { value.exchange(v, ordering: .acquiringAndReleasing) }
    /// Adds `d`, returns the new value.
    @discardableResult
    func add(_ d: Int) -> Int { value.wrappingAdd(d, ordering: .acquiringAndReleasing).newValue }
}
