#!/usr/bin/env python3
"""Tests of scripts/import-satyaml.py: the catalogue merge keeps what the catalogue has and adds only what
it lacks. Run: python3 -B -m unittest discover -s scripts -p 'test_*.py'"""
import importlib.util
import io
import os
import tempfile
import textwrap
import unittest

import yaml

_spec = importlib.util.spec_from_file_location(
    "import_satyaml", os.path.join(os.path.dirname(os.path.abspath(__file__)), "import-satyaml.py"))
importer = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(importer)


class ImportSatYAMLTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.src = os.path.join(self.tmp.name, "satyaml")
        self.dest = os.path.join(self.tmp.name, "catalogue")
        os.makedirs(self.src)
        os.makedirs(self.dest)

    def tearDown(self):
        self.tmp.cleanup()

    def satyaml(self, name, text):
        with open(os.path.join(self.src, name), "w") as fh:
            fh.write(textwrap.dedent(text))

    def catalogue(self, name, text):
        with open(os.path.join(self.dest, name), "w") as fh:
            fh.write(textwrap.dedent(text))

    def read(self, name):
        with open(os.path.join(self.dest, name)) as fh:
            return fh.read()

    def run_import(self):
        log = io.StringIO()
        counts = importer.import_dirs([self.src], self.dest, log=log)
        return counts, log.getvalue()

    def test_new_satellite_keeps_supported_transmitters_only(self):
        self.satyaml("SAT-A.yml", """\
            name: SAT-A
            alternative_names: [SA]
            norad: 12345
            transmitters:
              9k6 FSK downlink:
                frequency: 436.5e+6
                modulation: FSK
                baudrate: 9600
                framing: AX.25 G3RUH
              CW beacon:
                frequency: 436.5e+6
                modulation: CW
                framing: CW
            """)
        self.satyaml("SAT-B.yml", """\
            name: SAT B
            norad: 12346
            transmitters:
              beacon:
                frequency: 145.9e+6
                modulation: CW
                framing: CW
            """)
        counts, _ = self.run_import()
        self.assertEqual(counts["new"], 1)
        self.assertEqual(sorted(os.listdir(self.dest)), ["SAT-A.yml"])
        entry = yaml.safe_load(self.read("SAT-A.yml"))
        self.assertEqual(entry, {
            "name": "SAT-A", "alternative_names": ["SA"], "norad": 12345,
            "transmitters": [{"name": "9k6 FSK downlink", "frequency": 436500000, "modulation": "FSK",
                              "baud_rate": 9600, "framing": "AX.25 G3RUH"}]})
        self.assertTrue(self.read("SAT-A.yml").startswith(importer.HEADER))

    def test_existing_entry_keeps_its_values_and_gains_what_it_lacks(self):
        self.catalogue("SAT-A.yml", """\
            # gsd satellite catalogue entry (facts from gr-satellites SatYAML)
            # The deviation was measured on a recording.
            name: SAT-A
            norad: 12345
            telemetry: sat_a
            transmitters:
            - name: 4k8 FSK downlink
              frequency: 436500000
              modulation: FSK
              baud_rate: 4800
              deviation: 1600
              framing: AX100 ASM+Golay
            - name: hand-made downlink
              frequency: 436500000
              modulation: FSK
              baud_rate: 1200
              framing: AX.25
            """)
        self.satyaml("SAT-A.yml", """\
            name: SAT-A
            alternative_names: [SA]
            norad: 99123
            transmitters:
              4k8 FSK downlink:
                frequency: 437.0e+6
                modulation: FSK
                baudrate: 4800
                framing: AX100 ASM+Golay
                frame size: 100
              9k6 FSK downlink:
                frequency: 436.5e+6
                modulation: FSK
                baudrate: 9600
                framing: AX100 ASM+Golay
            """)
        counts, log = self.run_import()
        self.assertEqual((counts["new"], counts["extended"], counts["differences"]), (0, 1, 2))
        self.assertIn("norad kept 12345, SatYAML has 99123", log)
        self.assertIn("'4k8 FSK downlink' frequency kept 436500000, SatYAML has 437000000", log)
        text = self.read("SAT-A.yml")
        self.assertTrue(text.startswith("# gsd satellite catalogue entry (facts from gr-satellites SatYAML)\n"
                                        "# The deviation was measured on a recording.\n"))
        entry = yaml.safe_load(text)
        self.assertEqual(list(entry), ["name", "alternative_names", "norad", "telemetry", "transmitters"])
        self.assertEqual(entry["alternative_names"], ["SA"])
        self.assertEqual(entry["norad"], 12345)
        self.assertEqual(entry["telemetry"], "sat_a")
        self.assertEqual([t["name"] for t in entry["transmitters"]],
                         ["4k8 FSK downlink", "hand-made downlink", "9k6 FSK downlink"])
        first = entry["transmitters"][0]
        self.assertEqual((first["frequency"], first["deviation"], first["frame_size"]), (436500000, 1600, 100))

    def test_entry_is_found_by_satellite_name_not_file_name(self):
        self.catalogue("hand-made.yml", """\
            name: SAT A
            norad: 12345
            transmitters:
            - {name: 9k6 FSK downlink, frequency: 436500000, modulation: FSK, baud_rate: 9600, framing: AX.25}
            """)
        self.satyaml("SAT_A.yml", """\
            name: SAT A
            norad: 12345
            transmitters:
              1k2 AFSK downlink:
                frequency: 145.8e+6
                modulation: AFSK
                baudrate: 1200
                framing: AX.25
            """)
        counts, _ = self.run_import()
        self.assertEqual((counts["new"], counts["extended"], counts["skipped"]), (0, 1, 0))
        self.assertEqual(os.listdir(self.dest), ["hand-made.yml"])
        entry = yaml.safe_load(self.read("hand-made.yml"))
        self.assertEqual([t["name"] for t in entry["transmitters"]], ["9k6 FSK downlink", "1k2 AFSK downlink"])

    def test_entry_with_nothing_new_is_not_rewritten(self):
        text = textwrap.dedent("""\
            # hand-written
            name: SAT-A
            norad: 12345
            transmitters:
            - {name: 9k6 FSK downlink, frequency: 436500000, modulation: FSK, baud_rate: 9600, framing: AX.25}
            """)
        self.catalogue("SAT-A.yml", text)
        self.satyaml("SAT-A.yml", """\
            name: SAT-A
            norad: 12345
            transmitters:
              9k6 FSK downlink:
                frequency: 436.5e+6
                modulation: FSK
                baudrate: 9600
                framing: AX.25
            """)
        counts, log = self.run_import()
        self.assertEqual((counts["unchanged"], counts["differences"]), (1, 0))
        self.assertEqual(log, "")
        self.assertEqual(self.read("SAT-A.yml"), text)

    def test_new_satellite_with_a_taken_norad_id_is_skipped(self):
        self.catalogue("FOSSASAT-1B.yml", """\
            name: FOSSASAT-1B
            norad: 99999
            transmitters:
            - {name: downlink, frequency: 436700000, modulation: FSK, baud_rate: 9600, framing: FOSSASAT}
            """)
        self.satyaml("ERMINAZ-1U.yml", """\
            name: ERMINAZ-1U
            norad: 99999
            transmitters:
              9k6 FSK downlink:
                frequency: 436.0e+6
                modulation: FSK
                baudrate: 9600
                framing: AX.25 G3RUH
            """)
        counts, log = self.run_import()
        self.assertEqual((counts["new"], counts["skipped"]), (0, 1))
        self.assertIn("skipped ERMINAZ-1U: NORAD 99999 is already FOSSASAT-1B.yml", log)
        self.assertEqual(os.listdir(self.dest), ["FOSSASAT-1B.yml"])

    def test_new_satellite_whose_file_name_is_taken_gets_its_own_file(self):
        text = textwrap.dedent("""\
            name: SAT_A
            norad: 11111
            transmitters:
            - {name: downlink, frequency: 145800000, modulation: AFSK, baud_rate: 1200, framing: AX.25}
            """)
        self.catalogue("SAT_A.yml", text)
        self.satyaml("SAT A.yml", """\
            name: SAT A
            norad: 22222
            transmitters:
              9k6 FSK downlink:
                frequency: 436.5e+6
                modulation: FSK
                baudrate: 9600
                framing: AX.25 G3RUH
            """)
        counts, log = self.run_import()
        self.assertEqual((counts["new"], counts["extended"], counts["differences"]), (1, 0, 0))
        self.assertEqual(log, "")
        self.assertEqual(self.read("SAT_A.yml"), text)
        entry = yaml.safe_load(self.read("SAT_A_2.yml"))
        self.assertEqual((entry["name"], entry["norad"]), ("SAT A", 22222))

    def test_mobitex_satellites_get_their_own_framing(self):
        self.satyaml("BEESAT-9.yml", """\
            name: BEESAT-9
            norad: 44412
            transmitters:
              4k8 GMSK downlink:
                frequency: 435.95e+6
                modulation: GMSK
                baudrate: 4800
                framing: Mobitex-NX
            """)
        self.run_import()
        entry = yaml.safe_load(self.read("BEESAT-9.yml"))
        self.assertEqual(entry["transmitters"][0]["framing"], "BEESAT-9")


if __name__ == "__main__":
    unittest.main()
