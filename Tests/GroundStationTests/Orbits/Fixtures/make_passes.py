#!/usr/bin/env python3
"""Independent pass predictions for PassPredictionTests, computed with Skyfield.

Usage: python3 make_passes.py > passes.json   (pip install skyfield; no network needed)

Reads passes.tle beside this script and, for each satellite, finds rise / culmination / set events over
the station below for 48 hours from the start of the hour containing its epoch. Skyfield propagates with
the sgp4 package (WGS-72, improved mode) and turns TEME into topocentric coordinates through its own
precession / nutation / Earth-rotation chain (builtin UT1 table, no polar motion, no refraction).
"""
import json
import os
import sys

from skyfield.api import EarthSatellite, load, wgs84

STATION = dict(latitude=48.1351, longitude=11.5820, altitude_m=520.0)
MIN_ELEVATION = {25544: 10.0, 33591: 0.0, 28057: 5.0}
HOURS = 48


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    lines = [l.rstrip() for l in open(os.path.join(here, "passes.tle")) if l.strip()]
    ts = load.timescale(builtin=True)
    station = wgs84.latlon(STATION["latitude"], STATION["longitude"], elevation_m=STATION["altitude_m"])
    out = dict(generator="skyfield " + __import__("skyfield").__version__, station=STATION, hours=HOURS,
               satellites=[])
    for i in range(0, len(lines), 3):
        name, l1, l2 = lines[i], lines[i + 1], lines[i + 2]
        sat = EarthSatellite(l1, l2, name, ts)
        norad = sat.model.satnum
        e = sat.epoch.utc
        t0 = ts.utc(e.year, e.month, e.day, e.hour)
        t1 = ts.utc(e.year, e.month, e.day, e.hour + HOURS)
        min_el = MIN_ELEVATION[norad]
        times, events = sat.find_events(station, t0, t1, altitude_degrees=min_el)
        topocentric = sat - station
        passes = []
        current = None
        for t, ev in zip(times, events):
            alt, az, _ = topocentric.at(t).altaz()
            if ev == 0:
                current = dict(aos=t.utc_iso(places=3), aos_azimuth=round(az.degrees, 4))
            elif ev == 1 and current is not None:
                if "max_elevation" not in current or alt.degrees > current["max_elevation"]:
                    current["tca"] = t.utc_iso(places=3)
                    current["max_elevation"] = round(alt.degrees, 4)
            elif ev == 2 and current is not None and "tca" in current:
                current["los"] = t.utc_iso(places=3)
                current["los_azimuth"] = round(az.degrees, 4)
                passes.append(current)
                current = None
            else:
                current = None  # a pass cut by the window start
        out["satellites"].append(dict(norad=norad, name=name, min_elevation=min_el,
                                      start=t0.utc_iso(), end=t1.utc_iso(), passes=passes))
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
