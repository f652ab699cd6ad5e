#!/usr/bin/env bash
# Side-by-side wall time of `gsd replay` and gr-satellites over the shared recordings (same machine).
#
# Needs Debian's gr-satellites and gnuradio (apt-get install gr-satellites gnuradio) and the small
# GNU Radio 3.10 compatibility wrapper described in ../shared/recordings/README.md, saved as an
# executable file whose path is given in GR310 (default: gr_satellites_gr310 on PATH).
# Usage: GSD=.build-release/release/gsd GR310=/tmp/gr_satellites_gr310 bench/peers/replay_vs_grsatellites.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
GSD=${GSD:-.build-release/release/gsd}
GR310=${GR310:-gr_satellites_gr310}
SHARED=${GSD_SHARED:-$(cd .. && pwd)/shared}
REC=$SHARED/recordings
now() { date +%s.%N; }
gsd_total=0; gr_total=0; gsd_frames=0; gr_frames=0; files=0
while IFS=$'\t' read -r file sat norad _mod _baud _framing _rate _iq _dur ref _cmd _rest; do
    [ "$file" = "file" ] && continue
    base=$(awk -F'\t' -v f="$file" '$1==f{print $18}' "$REC/MANIFEST.tsv")
    # gr-satellites: the manifest's base command (satellite/YAML and options), with --hexdump.
    t0=$(now)
    n_gr=$(cd "$REC" && eval "${base/gr_satellites_gr310/$GR310} --hexdump" 2>/dev/null | grep -c '^pdu length' || true)
    t1=$(now)
    n_gsd=0
    if [ -n "$norad" ]; then
        n_gsd=$("$GSD" replay "$REC/$file" --norad "$norad" 2>/dev/null | wc -l || true)
    fi
    t2=$(now)
    gr_total=$(echo "$gr_total + $t1 - $t0" | bc); gsd_total=$(echo "$gsd_total + $t2 - $t1" | bc)
    gr_frames=$((gr_frames + n_gr)); gsd_frames=$((gsd_frames + n_gsd)); files=$((files + 1))
    printf '%s\tgr=%s\tgsd=%s\n' "$file" "$n_gr" "$n_gsd" >&2
done < "$REC/MANIFEST.tsv"
printf '{"files": %d, "gr_satellites_wall_s": %.2f, "gsd_wall_s": %.2f, "ratio": %.2f, "gr_satellites_frames": %d, "gsd_frames": %d}\n' \
    "$files" "$gr_total" "$gsd_total" "$(echo "$gr_total / $gsd_total" | bc -l)" "$gr_frames" "$gsd_frames"
