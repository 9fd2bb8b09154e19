"""The actor knowledge base: countries, regions, people with dated roles, organisations, role nouns.

Loaded from the package's `data/` folder and from users' extra files (`--actors`), never from
the network. The KB answers questions by name and date; finding names in text is the job of the
`ew_actors` pipeline component.
"""
from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Optional

from eventwire.errors import KnowledgeError
from eventwire.jsonlines import read_objects
from eventwire.knowledge.text import fold, key, slug

SECTORS = frozenset(
    "GOV MIL COP JUD LEG PTY REB SPY UAF PRM OPP CVL BUS MED JRN EDU REL LAB AGR REF CRM ELI SOC "
    "PRE UNK IGO NGO".split()
)
OFFICE_RANK = {
    "head_of_state": 0, "head_of_government": 1, "monarch": 2, "igo_official": 3,
    "foreign_minister": 4, "defence_minister": 5, "vice_head_of_state": 6, "military_chief": 7,
    "minister": 8, "armed_group_leader": 9, "opposition_leader": 10, "party_leader": 11,
    "spokesperson": 12, "legislator": 13, "judge": 14, "official": 15, "other": 16,
}


@dataclass(frozen=True)
class Role:
    title: str
    office: str
    sector: str
    start: Optional[str]
    end: Optional[str]
    country: Optional[str] = None  # whom the person acts for, when not their nationality

    def active_at(self, date: str) -> bool:
        return _date_floor(self.start) <= date and (self.end is None or date < _date_ceil(self.end))


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    country: str
    aliases: tuple[str, ...] = ()
    roles: tuple[Role, ...] = ()

    def role_at(self, date: Optional[str]) -> tuple[Optional[Role], str]:
        """(the role that describes this person at `date`, 'current'|'former'|'none')."""
        if not self.roles:
            return None, "none"
        ranked = sorted(self.roles, key=lambda r: OFFICE_RANK.get(r.office, 99))
        if date is None:
            current = [r for r in ranked if r.end is None]
            if current:
                return current[0], "current"
            return max(self.roles, key=lambda r: _date_ceil(r.end)), "former"
        active = [r for r in ranked if r.active_at(date)]
        if active:
            return active[0], "current"
        past = [r for r in self.roles if r.end is not None and _date_ceil(r.end) <= date]
        if past:
            return max(past, key=lambda r: _date_ceil(r.end)), "former"
        return None, "none"


@dataclass(frozen=True)
class Organization:
    id: str
    name: str
    country: str
    sector: Optional[str]
    kind: str = "other"
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Country:
    iso3: str
    name: str
    aliases: tuple[str, ...] = ()
    old_names: tuple[str, ...] = ()
    adjectives: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    capital: Optional[str] = None
    metonyms: tuple[tuple[str, str], ...] = ()  # (text, sector)
    leader: str = "head_of_state"
    lat: Optional[float] = None
    lon: Optional[float] = None
    regions: tuple[str, ...] = ()
    sovereign: bool = True
    controlled_by: Optional[str] = None

    @property
    def code(self) -> str:
        """The code used for actors: dependencies are folded into their controlling state."""
        return self.iso3 if self.sovereign or not self.controlled_by else self.controlled_by


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    aliases: tuple[str, ...] = ()
    adjectives: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    lat: Optional[float] = None
    lon: Optional[float] = None


@dataclass(frozen=True)
class RoleNoun:
    phrase: str
    sector: str
    kind: str  # person | group | office


@dataclass(frozen=True)
class Name:
    """A surface form the KB knows, and what it names."""

    form: str
    kind: str  # person | org | country | country_adj | country_people | region | region_adj | region_people | capital | metonym
    ref: str  # id of the person/org, ISO3 of the country, region code
    sector: Optional[str] = None  # for metonyms ("Pentagon" → MIL)


@dataclass
class ActorKB:
    countries: dict[str, Country] = field(default_factory=dict)
    regions: dict[str, Region] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    organizations: dict[str, Organization] = field(default_factory=dict)
    role_nouns: dict[str, RoleNoun] = field(default_factory=dict)
    offices: dict[str, tuple[str, ...]] = field(default_factory=dict)  # role phrase → office codes

    # ---- lookups -------------------------------------------------------------------------
    @functools.cached_property
    def names(self) -> tuple[Name, ...]:
        out: list[Name] = []
        for c in self.countries.values():
            for form in (c.name, *c.aliases, *c.old_names):
                out.append(Name(form, "country", c.iso3))
            out += [Name(a, "country_adj", c.iso3) for a in c.adjectives]
            out += [Name(p, "country_people", c.iso3) for p in c.people]
            if c.capital:
                out.append(Name(c.capital, "capital", c.iso3, "GOV"))
            out += [Name(t, "metonym", c.iso3, s) for t, s in c.metonyms]
        for r in self.regions.values():
            out += [Name(f, "region", r.code) for f in (r.name, *r.aliases)]
            out += [Name(a, "region_adj", r.code) for a in r.adjectives]
            out += [Name(p, "region_people", r.code) for p in r.people]
        for p in self.people.values():
            out += [Name(f, "person", p.id) for f in (p.name, *p.aliases)]
        for o in self.organizations.values():
            out += [Name(f, "org", o.id) for f in (o.name, *o.aliases)]
        return tuple(n for n in out if n.form and n.form.strip())

    @functools.cached_property
    def _by_key(self) -> dict[str, list[Name]]:
        index: dict[str, list[Name]] = defaultdict(list)
        for n in self.names:
            index[fold(n.form)].append(n)
        return dict(index)

    def lookup(self, form: str) -> list[Name]:
        """Every KB name written exactly like `form` (diacritics and apostrophes folded)."""
        return self._by_key.get(fold(form), [])

    @functools.cached_property
    def _adjective_key(self) -> dict[str, tuple[str, str]]:
        index: dict[str, tuple[str, str]] = {}
        for r in self.regions.values():
            for form in (*r.adjectives, *r.people):
                index.setdefault(key(form), ("region", r.code))
        for c in self.countries.values():
            for form in (*c.adjectives, *c.people):
                index[key(form)] = ("country", c.code)
        return index

    def country_of_adjective(self, word: str) -> Optional[str]:
        """'Ukrainian' → 'UKR', 'European' → 'EUR' (case-insensitive)."""
        hit = self._adjective_key.get(key(word))
        return hit[1] if hit else None

    @functools.cached_property
    def _country_key(self) -> dict[str, str]:
        index = {}
        for c in self.countries.values():
            for form in (c.name, *c.aliases, *c.old_names):
                index[key(form)] = c.code
        for r in self.regions.values():
            for form in (r.name, *r.aliases):
                index.setdefault(key(form), r.code)
        return index

    def country_of_name(self, name: str) -> Optional[str]:
        """'Russia' → 'RUS', 'the United States' → 'USA', 'Europe' → 'EUR'."""
        k = key(name)
        if k.startswith("the "):
            k = k[4:]
        return self._country_key.get(k)

    @functools.cached_property
    def _capitals(self) -> dict[str, str]:
        return {key(c.capital): c.code for c in self.countries.values() if c.capital and c.sovereign}

    def country_of_capital(self, name: str) -> Optional[str]:
        return self._capitals.get(key(name))

    def role_noun(self, phrase: str) -> Optional[RoleNoun]:
        return self.role_nouns.get(key(phrase))

    def country_label(self, code: Optional[str]) -> Optional[str]:
        if code in self.countries:
            return self.countries[code].name
        if code in self.regions:
            return self.regions[code].name
        return None

    @functools.cached_property
    def _holders(self) -> dict[str, list[tuple[Person, Role]]]:
        index: dict[str, list[tuple[Person, Role]]] = defaultdict(list)
        for p in self.people.values():
            for r in p.roles:
                index[r.country or p.country].append((p, r))
        return index

    def office_holder(self, country: str, role_phrase: str, date: Optional[str]) -> Optional[Person]:
        """Who held the office a role noun names ('president', 'leader'…) in `country` at `date`."""
        phrase = key(role_phrase)
        extra = (self.countries[country].leader,) if phrase == "leader" and country in self.countries else ()
        best: Optional[tuple[int, Person]] = None
        for person, role in self._holders.get(country, ()):
            if not self._names_office(phrase, role, extra):
                continue
            if date is not None and not role.active_at(date):
                continue
            if date is None and role.end is not None:
                continue
            rank = OFFICE_RANK.get(role.office, 99)
            if best is None or rank < best[0]:
                best = (rank, person)
        return best[1] if best else None

    def _names_office(self, phrase: str, role: Role, extra_offices: tuple[str, ...] = ()) -> bool:
        """Whether the role noun `phrase` ('president', 'foreign minister') names `role`."""
        title = key(role.title)
        return (role.office in self.offices.get(phrase, ()) or role.office in extra_offices
                or title.startswith(phrase + " of") or title == phrase)

    @functools.cached_property
    def _by_surname(self) -> dict[str, list[Person]]:
        index: dict[str, list[Person]] = defaultdict(list)
        for p in self.people.values():
            for form in {p.name, *p.aliases}:
                words = form.split()
                if len(words) > 1:
                    index[key(words[-1])].append(p)
        return {k: list(dict.fromkeys(v)) for k, v in index.items()}

    def country_of_surname(self, surname: str) -> Optional[str]:
        """'the Bush administration', 'the Putin government': the country of the people of that
        surname in the knowledge base who held the highest office (None when none, or when
        they are of several countries)."""
        people = self._by_surname.get(key(surname), ())
        if not people:
            return None
        def rank(p: Person) -> int:
            return min((OFFICE_RANK.get(r.office, 99) for r in p.roles), default=99)
        top = min(rank(p) for p in people)  # the president before a namesake minister
        countries = {p.country for p in people if rank(p) == top}
        return countries.pop() if len(countries) == 1 else None

    def titled_person(self, surname: str, role_phrase: str, date: Optional[str]) -> Optional[tuple[Person, Role]]:
        """'President Reagan': the one person of that surname who held the office the title names
        (at `date`, when known); None when nobody or several did."""
        phrase = key(role_phrase)
        found = []
        for person in self._by_surname.get(key(surname), ()):
            for role in person.roles:
                if not self._names_office(phrase, role):
                    continue
                if date is not None and not role.active_at(date):
                    continue
                found.append((person, role))
                break
        return found[0] if len({p.id for p, _ in found}) == 1 else None

    # ---- building ------------------------------------------------------------------------
    def add_person(self, person: Person) -> None:
        old = self.people.get(person.id)
        if old:
            person = Person(
                id=old.id, name=old.name, country=old.country,
                aliases=tuple(dict.fromkeys(old.aliases + person.aliases)),
                roles=tuple(dict.fromkeys(old.roles + person.roles)),
            )
        self.people[person.id] = person
        _invalidate(self)

    def add_organization(self, org: Organization) -> None:
        old = self.organizations.get(org.id)
        if old:
            org = Organization(
                id=old.id, name=old.name, country=org.country or old.country,
                sector=org.sector or old.sector, kind=org.kind or old.kind,
                aliases=tuple(dict.fromkeys(old.aliases + org.aliases)),
            )
        self.organizations[org.id] = org
        _invalidate(self)


def _invalidate(kb: ActorKB) -> None:
    for attr in ("names", "_by_key", "_adjective_key", "_country_key", "_capitals", "_holders"):
        kb.__dict__.pop(attr, None)


def _date_floor(value: Optional[str]) -> str:
    if not value:
        return "0000-00-00"
    parts = str(value).split("-")
    return "-".join(parts + ["01"] * (3 - len(parts)))


def _date_ceil(value: Optional[str]) -> str:
    if not value:
        return "9999-99-99"
    parts = str(value).split("-")
    return "-".join(parts + ["99"] * (3 - len(parts)))


# ---- reading files ---------------------------------------------------------------------------

def _data_path(name: str):
    return resources.files("eventwire") / "data" / name


def _jsonl(path, origin: str) -> Iterator[dict]:
    for _n, record in read_objects(path, KnowledgeError, origin):
        yield record


def _tuple(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value if v)


def person_from_record(rec: dict, origin: str) -> Person:
    try:
        name, country = rec["name"], rec["country"]
    except KeyError as exc:
        raise KnowledgeError(f"{origin}: person record lacks {exc}; see data/README.md") from None
    roles = []
    for r in rec.get("roles") or ():
        roles.append(Role(
            title=r.get("title") or "", office=r.get("office") or "other",
            sector=(r.get("sector") or "GOV").upper()[:3], start=r.get("start"), end=r.get("end"),
            country=r.get("country"),
        ))
    return Person(
        id=rec.get("id") or f"p:{slug(name)}:{country.lower()}", name=name, country=country,
        aliases=_tuple(rec.get("aliases")), roles=tuple(roles),
    )


def organization_from_record(rec: dict, origin: str) -> Organization:
    try:
        name, country = rec["name"], rec["country"]
    except KeyError as exc:
        raise KnowledgeError(f"{origin}: organisation record lacks {exc}; see data/README.md") from None
    return Organization(
        id=rec.get("id") or f"o:{slug(name)}:{str(country).lower()}", name=name, country=country,
        sector=rec.get("sector"), kind=rec.get("kind") or "other", aliases=_tuple(rec.get("aliases")),
    )


def add_records(kb: ActorKB, records: Iterable[dict], origin: str) -> None:
    """Add person and organisation records (our JSONL format) to the KB."""
    for rec in records:
        if "roles" in rec:
            kb.add_person(person_from_record(rec, origin))
        else:
            kb.add_organization(organization_from_record(rec, origin))


def load_actor_kb(extra_files: Iterable[str] = ()) -> ActorKB:
    """The package's actor KB, extended with the user's files (our JSONL or PETRARCH .txt)."""
    kb = ActorKB()
    for rec in _jsonl(_data_path("countries.jsonl"), "countries.jsonl"):
        c = Country(
            iso3=rec["iso3"], name=rec["name"], aliases=_tuple(rec.get("aliases")),
            old_names=_tuple(rec.get("old_names")), adjectives=_tuple(rec.get("adjectives")),
            people=_tuple(rec.get("people")), capital=rec.get("capital"),
            metonyms=tuple((m["text"], m.get("sector") or "GOV") for m in rec.get("metonyms") or ()),
            leader=rec.get("leader") or "head_of_state", lat=rec.get("lat"), lon=rec.get("lon"),
            regions=_tuple(rec.get("regions")), sovereign=rec.get("sovereign", True),
            controlled_by=rec.get("controlled_by"),
        )
        kb.countries[c.iso3] = c
    for rec in _jsonl(_data_path("regions.jsonl"), "regions.jsonl"):
        r = Region(
            code=rec["code"], name=rec["name"], aliases=_tuple(rec.get("aliases")),
            adjectives=_tuple(rec.get("adjectives")), people=_tuple(rec.get("people")),
            lat=rec.get("lat"), lon=rec.get("lon"),
        )
        kb.regions[r.code] = r
    for kind in ("people", "organizations"):
        folder = _data_path(kind)
        for entry in sorted(folder.iterdir(), key=lambda p: p.name):
            if entry.name.endswith(".jsonl"):
                add_records(kb, _jsonl(entry, f"{kind}/{entry.name}"), f"{kind}/{entry.name}")
    with _data_path("roles.tsv").open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 3:
                kb.role_nouns[key(cols[0])] = RoleNoun(key(cols[0]), cols[1].strip(), cols[2].strip())
    with _data_path("offices.tsv").open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            phrase, offices = line.rstrip("\n").split("\t")[:2]
            kb.offices[key(phrase)] = tuple(o.strip() for o in offices.split(","))
    for path in extra_files:
        load_user_file(kb, path)
    return kb


def load_user_file(kb: ActorKB, path: str) -> None:
    p = Path(path)
    if not p.is_file():
        raise KnowledgeError(f"actor file {path} not found")
    if p.suffix.lower() == ".txt":
        from eventwire.knowledge.petrarch import read_petrarch_actors

        add_records(kb, read_petrarch_actors(p), str(p))
    else:
        add_records(kb, _jsonl(p, str(p)), str(p))


@functools.lru_cache(maxsize=8)
def cached_actor_kb(extra_files: tuple[str, ...] = ()) -> ActorKB:
    return load_actor_kb(extra_files)
