#!/usr/bin/env bash
# `gsd bench usb-stream` side by side with Debian's rtl_sdr (librtlsdr) on the same emulated dongle
# (umockdev preload + libRTLSDREmulator, unpaced: both take the pattern as fast as they reap URBs; both
# keep 15 transfers of 256 KiB in flight). rtl_sdr's rate is taken from two runs of different lengths,
# (bytes2 - bytes1) / (time2 - time1), so its start-up (open, init, tuning) cancels out as gsd's does
# (it times the stream only). Rounds alternate to share the machine's state fairly.
# Usage: bench/peers/usb_stream_vs_rtl_sdr.sh [ROUNDS]   (after swift build -c release --product gsd
#        and --product RTLSDREmulator; needs rtl-sdr and umockdev)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-3}
PRELOAD="libumockdev-preload.so.0 $PWD/.build/release/libRTLSDREmulator.so"
emulated() { LD_PRELOAD="$PRELOAD" GSD_RTLSDR_EMULATOR=1 "$@"; }
now() { date +%s.%N; }
rtl_rate() {
    local n1=200000000 n2=1000000000 t0 t1 t2
    t0=$(now); emulated rtl_sdr -s 3200000 -f 137500000 -n $n1 /dev/null 2>/dev/null
    t1=$(now); emulated rtl_sdr -s 3200000 -f 137500000 -n $n2 /dev/null 2>/dev/null
    t2=$(now)
    echo "2 * ($n2 - $n1) / (($t2 - $t1) - ($t1 - $t0)) / 1000000" | bc -l
}
for r in $(seq 1 "$ROUNDS"); do
    g=$(emulated .build/release/gsd bench usb-stream --json 2>/dev/null | sed -E 's/.*"value": *([0-9.]+).*/\1/')
    l=$(rtl_rate)
    printf 'round %s: gsd usb-stream %.1f MB/s, rtl_sdr %.1f MB/s, ratio %.2f\n' "$r" "$g" "$l" "$(echo "$g / $l" | bc -l)"
done
