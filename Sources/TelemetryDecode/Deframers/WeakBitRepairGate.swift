/// When weak-bit repair (`SyncWordFrameCollector.Candidate.softRepair`) of a frame whose CRC failed is
/// worth trying: the frame has at least one unsure bit (within 32 of 128) to flip, and at most 1/16
/// of its bits are unsure. Two flips among ten weakest bits are 55 patterns, each passing a CRC-16 by
/// chance 1 time in 65536; a frame of strong bits (nothing weak to flip: the wrong bits are not the
/// weak ones) or of noise (about a quarter of its bits unsure) would only add that risk.
enum WeakBitRepairGate {
    static func worthTrying(_ soft: ArraySlice<UInt8>) -> Bool {
        let unsure = soft.reduce(0) { $0 + (abs(Int($1) - 128) < 32 ? 1 : 0) }
        return unsure >= 1 && unsure * 16 <= soft.count
    }
}
