#!/usr/bin/env python3
"""Merges gr-satellites' SatYAML files into gsd's satellite catalogue (catalogue/satellites/*.yml).

Only facts carry over (names, NORAD ids, frequencies, modulations, baud rates, framing parameters);
the output is gsd's own format. Transmitters whose framing gsd does not handle are left out, and a
satellite with none left is skipped.

An entry already in the catalogue is merged, never overwritten: every value it has stays (a measured
deviation, a framing mapped by hand, telemetry definitions, comments), and only what it lacks is added
(alternative names, keys, transmitters). Where SatYAML says otherwise the difference is printed for a
person to decide. A new satellite whose NORAD id an entry of another name already has is skipped with a
message (upstream's placeholder ids, 99xxx, collide).

Usage: scripts/import-satyaml.py [--catalogue DIR] SATYAML_DIR [SATYAML_DIR ...]
  e.g. Debian's gr-satellites package: /usr/lib/python3/dist-packages/satellites/satyaml
"""
import argparse
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
HEADER = "# gsd satellite catalogue entry (facts from gr-satellites SatYAML)\n"
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


def merge(old, new, label):
    """Merges the converted SatYAML entry `new` into the catalogue entry `old`, in place.

    The catalogue wins: a key it has keeps its value (hand-checked facts such as a measured deviation, or
    a framing mapped by hand), and only what it lacks is added: alternative names, keys, and transmitters
    (matched by name, new ones appended in SatYAML order). Returns (changed, differences), differences
    being the values SatYAML gives otherwise, for a person to look at.
    """
    changed = False
    differences = []
    for key, value in new.items():
        if key == "transmitters":
            continue
        if key not in old:
            old[key] = value
            changed = True
        elif key == "alternative_names":
            names = old[key] or []
            added = [n for n in value if n not in names and n != old.get("name")]
            if added:
                old[key] = names + added
                changed = True
        elif old[key] != value:
            differences.append(f"{label}: {key} kept {old[key]!r}, SatYAML has {value!r}")
    transmitters = old.setdefault("transmitters", [])
    by_name = {t.get("name"): t for t in transmitters}
    for t in new["transmitters"]:
        mine = by_name.get(t["name"])
        if mine is None:
            transmitters.append(t)
            changed = True
            continue
        for key, value in t.items():
            if key not in mine:
                mine[key] = value
                changed = True
            elif mine[key] != value:
                differences.append(f"{label}: transmitter {t['name']!r} {key} kept {mine[key]!r}, "
                                   f"SatYAML has {value!r}")
    return changed, differences


def ordered(entry):
    """The entry with its keys in catalogue order: name, alternative names, NORAD id, the rest, transmitters."""
    head = ("name", "alternative_names", "norad")
    out = {k: entry[k] for k in head if k in entry}
    out.update({k: v for k, v in entry.items() if k not in head and k != "transmitters"})
    out["transmitters"] = [{"name": t["name"], **{k: v for k, v in t.items() if k != "name"}}
                           for t in entry.get("transmitters") or []]
    return out


def filename(name):
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") + ".yml"


def free_filename(name, catalogue):
    """A file name for a new entry. Another satellite's file may already have the name ("SAT A" and
    "SAT_A" both give SAT_A.yml): that entry is not this satellite's, so a numbered name is used."""
    base = filename(name)
    candidate, n = base, 2
    while candidate in catalogue:
        candidate = f"{base[:-4]}_{n}.yml"
        n += 1
    return candidate


def leading_comments(text):
    lines = []
    for line in text.splitlines(keepends=True):
        if not line.startswith("#"):
            break
        lines.append(line)
    return "".join(lines)


def write(path, entry, comments):
    with open(path, "w") as fh:
        fh.write(comments or HEADER)
        yaml.safe_dump(ordered(entry), fh, sort_keys=False, allow_unicode=True, width=120)


def load_catalogue(dest):
    """The catalogue's entries: file name -> (entry, leading comments)."""
    entries = {}
    for f in sorted(os.listdir(dest)):
        if f.endswith(".yml"):
            with open(os.path.join(dest, f)) as fh:
                text = fh.read()
            entries[f] = (yaml.safe_load(text) or {}, leading_comments(text))
    return entries


def import_dirs(sources, dest, log=sys.stderr):
    """Imports every SatYAML file of `sources` into the catalogue directory `dest`; returns the counts."""
    os.makedirs(dest, exist_ok=True)
    catalogue = load_catalogue(dest)
    norads = {e.get("norad"): f for f, (e, _) in catalogue.items()}
    # An entry is found by its satellite name, whatever its file is called.
    names = {e.get("name"): f for f, (e, _) in catalogue.items()}
    counts = {"new": 0, "extended": 0, "unchanged": 0, "skipped": 0, "differences": 0}
    for src in sources:
        for f in sorted(os.listdir(src)):
            if not f.endswith(".yml"):
                continue
            path = os.path.join(src, f)
            with open(path) as fh:
                sat = yaml.safe_load(fh)
            c = convert(sat)
            if c is None:
                continue
            target = names.get(c["name"])
            if target is not None:
                old, comments = catalogue[target]
                changed, differences = merge(old, c, c["name"])
                for d in differences:
                    print(f"{path}: {d}", file=log)
                counts["differences"] += len(differences)
                if changed:
                    write(os.path.join(dest, target), old, comments)
                counts["extended" if changed else "unchanged"] += 1
            elif c["norad"] in norads:
                # The catalogue loader refuses two entries with one NORAD id; placeholder ids (99xxx) collide.
                print(f"{path}: skipped {c['name']}: NORAD {c['norad']} is already {norads[c['norad']]}", file=log)
                counts["skipped"] += 1
            else:
                target = free_filename(c["name"], catalogue)
                write(os.path.join(dest, target), c, None)
                catalogue[target] = (c, HEADER)
                norads[c["norad"]] = target
                names[c["name"]] = target
                counts["new"] += 1
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sources", nargs="+", metavar="SATYAML_DIR")
    parser.add_argument("--catalogue", default=os.path.join(os.path.dirname(__file__), "..", "catalogue", "satellites"),
                        help="catalogue directory to merge into (default: the repository's)")
    args = parser.parse_args()
    counts = import_dirs(args.sources, args.catalogue)
    print(f"{os.path.normpath(args.catalogue)}: {counts['new']} new, {counts['extended']} extended, "
          f"{counts['unchanged']} unchanged, {counts['skipped']} skipped; "
          f"{counts['differences']} SatYAML values differ from the catalogue's and were not taken (listed above)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
