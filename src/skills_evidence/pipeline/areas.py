"""The book for any English local authority: find the area, and derive its editions from the home ones.

The editions in data/editions.yaml are Coventry's. For another area each edition is the same in every
respect (data pins, periods, chapters) except: the area, the words that name it (title, strategy,
author: `areas:` in data/editions.yaml, `default` for an area not listed), and the chapters whose data
is the home council's own (`home_only:` on a chapter), which are left out with one sentence saying why.
The area's comparators come from the data: its region and combined authority (lad21_reference), its DfE
statistical neighbours (dfe_statistical_neighbours), England and Great Britain.
"""

from __future__ import annotations

import dataclasses
import difflib
from pathlib import Path

import pandas as pd

from skills_evidence import editions as editions_mod
from skills_evidence.inputs import snapshots
from skills_evidence.inputs.loaders.files import read_table
from skills_evidence.places import possessive

#: Where an area's builds and books go, beside the home editions' build/ and _book/.
AREAS_FOLDER = "areas"
#: Datasets whose long series still carry authorities abolished before 2021, by their old codes.
FORMER = ("ons_gcse_em_19", "ons_ks2_rwm")
#: The datasets whose figures cover every authority; an area with none of them has no book to build.
COVERAGE = ("ons_l3plus_rqf", "ons_claimant_rate", "ons_ks2_rwm", "aps_t19_qualifications")


class AreaError(ValueError):
    """The area asked for cannot have a book: not found, not English, a former code, or no data."""


def _lookup(current: editions_mod.Edition, name: str) -> pd.DataFrame:
    return read_table(snapshots.dataset(snapshots.ref(name, current.data[name])).path)


def resolve(text: str, current: editions_mod.Edition) -> tuple[str, str]:
    """(code, name) of the English local authority `text` names: a GSS code or a name, any case; a 2021
    district or unitary, or (where the edition pins english_authorities) a county or an authority formed
    since. A name that begins more than one authority's ("Newcastle") is refused, naming each."""
    places = _places(current)
    wanted = text.strip()
    by_code = places[places["lad_code"].str.upper() == wanted.upper()]
    by_name = places[places["lad_name"].str.casefold() == wanted.casefold()]
    found = by_code if len(by_code) else by_name
    if found.empty:
        starts = places[places["lad_name"].str.casefold().str.startswith(wanted.casefold()) & (len(wanted) >= 3)]
        english = starts[starts["country_code"] == "E92000001"]
        if len(english) == 1:
            found = english
        elif len(english) > 1:
            named = " or ".join(f"{n} ({c})" for c, n in zip(english["lad_code"], english["lad_name"]))
            raise AreaError(f"{wanted!r} begins the names of more than one authority: did you mean {named}?")
    if found.empty:
        raise AreaError(_not_found(wanted, places, current))
    row = found.iloc[0]
    code, name = str(row["lad_code"]), str(row["lad_name"])
    if row["country_code"] != "E92000001":
        raise AreaError(
            f"{code} ({name}) is not in England: the book's school measures are DfE's, for English authorities"
        )
    if not any(code in set(_lookup(current, dataset)["geography_code"]) for dataset in COVERAGE):
        raise AreaError(f"{code} ({name}) has no figures in {', '.join(COVERAGE)}: there is no book to build for it")
    return code, name


def _places(current: editions_mod.Edition) -> pd.DataFrame:
    """The 2021 districts, and the current authorities (counties, and unitaries formed since) where pinned."""
    lad21 = _lookup(current, "lad21_reference")
    if "english_authorities" not in current.data:
        return lad21
    authorities = _lookup(current, "english_authorities")
    newer = authorities[~authorities["area_code"].isin(lad21["lad_code"])]
    added = pd.DataFrame({"lad_code": newer["area_code"], "lad_name": newer["area_name"], "country_code": "E92000001"})
    return pd.concat([lad21, added], ignore_index=True).fillna("")


def _not_found(wanted: str, lad21: pd.DataFrame, current: editions_mod.Edition) -> str:
    """Why `wanted` names no area: a former code (seen in older data), or nothing like it."""
    for dataset in FORMER:
        table = _lookup(current, dataset)
        former = table[table["geography_code"].str.upper() == wanted.upper()]
        if len(former):
            return (
                f"{wanted} ({former['geography_name'].iloc[0]}) is a former code: {dataset} has it to "
                f"{former['period'].astype(str).max()}, but it is not among the 2021 local authority districts this "
                "book uses (data/reference/lad21.csv); build the authority that replaced it"
            )
    close = difflib.get_close_matches(wanted, lad21["lad_name"].tolist(), n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return (
        f"{wanted!r} is not an English local authority code or name in data/reference/lad21.csv (2021 boundaries)"
        f" or data/reference/english_authorities.csv (counties and current authorities){hint}"
    )


def words(code: str, name: str) -> dict[str, str]:
    """The words a book uses for its area: the listed entry in `areas:`, else the defaults with the name."""
    spec = editions_mod.area_words()
    chosen = spec.get(code) or {k: v.format(name=name, possessive=possessive(name)) for k, v in spec["default"].items()}
    return {k: str(v) for k, v in chosen.items()}


def for_area(
    code: str, name: str, chapters: dict[str, editions_mod.Chapter], defined: dict[int, editions_mod.Edition]
) -> dict[int, editions_mod.Edition]:
    """Every edition as it would be for the area: its code and words, the home council's own chapters left out,
    and for a county (or an authority formed since 2021) only the editions whose data hold it, without the
    chapters built on 2021 districts (`districts_only:`)."""
    text = words(code, name)
    held = snapshots.load_sidecars()
    newest = defined[max(defined)]
    district = code in set(_lookup(newest, "lad21_reference")["lad_code"])  # a 2021 district or unitary
    out = {}
    for year, edition in defined.items():
        if not district and "english_authorities" not in edition.data:
            continue  # an edition from before counties were in the data has no book for a county
        kept = {
            c: p
            for c, p in edition.chapter_parameters.items()
            if not chapters[c].home_only and (district or not chapters[c].districts_only)
        }
        omitted = {
            chapters[c].title: chapters[c].home_only or chapters[c].districts_only
            for c in edition.chapter_parameters
            if c not in kept
        }
        # The data lines name only what the kept chapters read (not the home council's survey or extract).
        read = {d for c in kept for d in edition.datasets(chapters[c])}
        vintages = snapshots.vintages_text({d: v for d, v in edition.data.items() if d in read}, held)
        out[year] = dataclasses.replace(
            edition,
            area_code=code,
            vintages=vintages,
            title=text["title"],
            strategy=text["strategy"],
            author=text["author"],
            monitoring=text["monitoring"],
            chapter_parameters=kept,
            omitted=omitted,
            published=None,  # Coventry's publication dates are not this area's: its books are drafts
        )
    return out


def load(
    area: str | None,
) -> tuple[dict[str, editions_mod.Chapter], dict[int, editions_mod.Edition], int, str | None]:
    """(chapters, editions, current year, area code): the home editions when `area` is None."""
    chapters, defined, current = editions_mod.load()
    if area is None:
        return chapters, defined, current, None
    code, name = resolve(area, defined[current])
    if code == defined[current].area_code:
        return chapters, defined, current, None
    return chapters, for_area(code, name, chapters, defined), current, code


def folder(base: Path, code: str | None) -> Path:
    """`build/` or `_book/` for the home editions; `build/areas/<code>/` or `_book/areas/<code>/` for an area."""
    return base if code is None else base / AREAS_FOLDER / code
