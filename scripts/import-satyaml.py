#!/usr/bin/env python3
"""Builds gsd's satellite catalogue (catalogue/satellites/*.yml) from gr-satellites' SatYAML files.

Only facts carry over (names, NORAD ids, frequencies, modulations, baud rates, framing parameters);
the output is gsd's own format. Transmitters whose framing gsd does not handle are left out, and a
satellite with none left is skipped. Keys gsd adds to an existing entry (telemetry definitions, a
framing variant, a known callsign) are kept when the entry is rewritten.

Usage: scripts/import-satyaml.py SATYAML_DIR [SATYAML_DIR ...]
  e.g. Debian's gr-satellites package: /usr/lib/python3/dist-packages/satellites/satyaml
"""
import os
import re
import sys

import yaml

SUPPORTED_FRAMINGS = {
    "AX.25", "AX.25 G3RUH", "AX100 ASM+Golay", "AX100 Reed Solomon", "U482C",
    "CCSDS Reed-Solomon", "CCSDS Concatenated", "AO-40 FEC", "AO-40 FEC short",
    "AO-40 FEC CRC-16-ARC", "AO-40 FEC CRC-16-ARC short",
    "LilacSat-1",
    "AX5043",
    "TT-64",
    "3CAT-1",
    "Lucky-7",
    "IDEASSat",
    "Reaktor Hello World",
    "S-NET",
    "NGHam", "NGHam no Reed Solomon",
    "SMOG-P RA", "SMOG-1 RA", "SMOG-P Signalling", "SMOG-1 Signalling",
    "Mobitex", "Mobitex-NX",
    "SanoSat",
    "USP",
    "GEOSCAN", "Light-1", "BINAR-2", "HADES-R", "ESEO",
    "UA01", "AAUSAT-4", "AISTECHSAT-2", "Endurosat",
    "Astrocast FX.25 NRZ-I", "Astrocast FX.25 NRZ", "OPS-SAT", "AO-40 uncoded",
    "Swiatowid", "AALTO-1", "DIY-1", "FOSSASAT", "Grizu-263A", "YUSAT", "SALSAT", "MRC-100 RA", "BINAR-1",
    "NuSat", "SPINO", "OpenLST", "QUBIK", "HSU-SAT1",
    "FORESAIL-1", "TUBIN", "BEESAT-1", "BEESAT-9", "HADES-D",
}
# Satellites whose Mobitex framing has settings older SatYAML files do not record (newer gr-satellites
# names a framing after each): name -> that framing.
MOBITEX_SATELLITE_FRAMINGS = {"BEESAT-1": "BEESAT-1", "BEESAT-9": "BEESAT-9", "TUBIN": "TUBIN"}
# Keys only gsd writes, carried over from an existing entry: per transmitter, and per satellite.
GSD_TRANSMITTER_KEYS = ("telemetry", "variant", "callsign")
GSD_SATELLITE_KEYS = ("telemetry",)
SUPPORTED_MODULATIONS = {"FSK", "AFSK", "BPSK", "DBPSK", "DBPSK Manchester", "GFSK", "GMSK", "FSK subaudio"}
# SatYAML key -> gsd key; values are copied as they are.
KEYS = {
    "frequency": "frequency", "modulation": "modulation", "baudrate": "baud_rate", "framing": "framing",
    "af_carrier": "af_carrier", "deviation": "deviation", "precoding": "precoding",
    "RS basis": "rs_basis", "RS interleaving": "rs_interleaving", "frame size": "frame_size",
    "convolutional": "convolutional", "scrambler": "scrambler", "crc": "crc",
}


def convert(sat):
    out = {"name": sat["name"]}
    if sat.get("alternative_names"):
        out["alternative_names"] = [str(n) for n in sat["alternative_names"]]
    out["norad"] = int(sat["norad"])
    txs = []
    for name, tx in (sat.get("transmitters") or {}).items():
        if tx.get("framing") not in SUPPORTED_FRAMINGS or tx.get("modulation") not in SUPPORTED_MODULATIONS:
            continue
        t = {"name": name}
        for k, key in KEYS.items():
            if k in tx:
                v = tx[k]
                if k == "frequency":
                    v = int(round(float(v)))
                t[key] = v
        if sat["name"] in MOBITEX_SATELLITE_FRAMINGS and str(tx.get("framing", "")).startswith("Mobitex"):
            t["framing"] = MOBITEX_SATELLITE_FRAMINGS[sat["name"]]
        txs.append(t)
    if not txs:
        return None
    out["transmitters"] = txs
    return out


def keep(entry, path):
    """Carries gsd's own keys over from the entry already at `path`."""
    if not os.path.exists(path):
        return
    with open(path) as fh:
        old = yaml.safe_load(fh) or {}
    for k in GSD_SATELLITE_KEYS:
        if k in old and k not in entry:
            entry[k] = old[k]
    previous = {t.get("name"): t for t in old.get("transmitters") or []}
    for t in entry["transmitters"]:
        for k in GSD_TRANSMITTER_KEYS:
            if k in previous.get(t["name"], {}) and k not in t:
                t[k] = previous[t["name"]][k]


def filename(name):
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") + ".yml"


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    dest = os.path.join(os.path.dirname(__file__), "..", "catalogue", "satellites")
    os.makedirs(dest, exist_ok=True)
    written = 0
    for src in sys.argv[1:]:
        for f in sorted(os.listdir(src)):
            if not f.endswith(".yml"):
                continue
            with open(os.path.join(src, f)) as fh:
                sat = yaml.safe_load(fh)
            c = convert(sat)
            if c is None:
                continue
            path = os.path.join(dest, filename(c["name"]))
            keep(c, path)
            with open(path, "w") as fh:
                fh.write("# gsd satellite catalogue entry (facts from gr-satellites SatYAML)\n")
                yaml.safe_dump(c, fh, sort_keys=False, allow_unicode=True, width=120)
            written += 1
    print(f"wrote {written} satellites to {os.path.normpath(dest)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
