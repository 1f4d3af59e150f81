"""Where the scenario's events come from: regions, their police agencies and forensic labs.

Regions are first-level subdivisions as the contracts want them. Each region's police publishes
its seizures under its own source, and its samples go to one forensic lab.

>>> PLACES["Pavlodar"].lab.lab_id, PLACES["Tashkent"].jurisdiction
('KZ-CFE-AST', 'UZ')
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Lab:
    lab_id: str
    source: str


@dataclass(frozen=True)
class Place:
    jurisdiction: str
    region: str
    code: str
    """Short code used in seizure, sample and case ids."""
    police: str
    """The ``source`` of the seizure reports."""
    lab: Lab
    utc_offset_h: int

    @property
    def tz(self) -> dt.timezone:
        return dt.timezone(dt.timedelta(hours=self.utc_offset_h))


ALMATY_LAB = Lab("KZ-CFE-ALM", "kz.cfe.almaty-lab")
ASTANA_LAB = Lab("KZ-CFE-AST", "kz.cfe.astana-lab")
SHYMKENT_LAB = Lab("KZ-CFE-SHY", "kz.cfe.shymkent-lab")
KARAGANDA_LAB = Lab("KZ-CFE-KAR", "kz.cfe.karaganda-lab")
AKTOBE_LAB = Lab("KZ-CFE-AKT", "kz.cfe.aktobe-lab")
UZ_LAB = Lab("UZ-RSEC-TAS", "uz.mj.forensic-centre")
RU_LAB = Lab("RU-EKC-SIB", "ru.mvd.ekc-siberia")
KG_LAB = Lab("KG-GSSE-BIS", "kg.gssem.bishkek")


def _kz(region: str, code: str, police: str, lab: Lab) -> Place:
    # Kazakhstan has kept one time zone, UTC+5, since March 2024.
    return Place("KZ", region, code, f"kz.mvd.{police}", lab, 5)


PLACES: dict[str, Place] = {
    place.region: place
    for place in (
        _kz("Almaty", "ALM", "almaty", ALMATY_LAB),
        _kz("Astana", "AST", "astana", ASTANA_LAB),
        _kz("Shymkent", "SHY", "shymkent", SHYMKENT_LAB),
        _kz("Karaganda", "KAR", "karaganda", KARAGANDA_LAB),
        _kz("Aktobe", "AKT", "aktobe", AKTOBE_LAB),
        _kz("Pavlodar", "PAV", "pavlodar", ASTANA_LAB),
        _kz("East Kazakhstan", "VKO", "east-kazakhstan", KARAGANDA_LAB),
        _kz("Kostanay", "KOS", "kostanay", ASTANA_LAB),
        _kz("Atyrau", "ATY", "atyrau", AKTOBE_LAB),
        _kz("Mangystau", "MAN", "mangystau", AKTOBE_LAB),
        _kz("Turkestan", "TUR", "turkestan", SHYMKENT_LAB),
        Place("UZ", "Tashkent", "TAS", "uz.mvd.tashkent", UZ_LAB, 5),
        Place("UZ", "Samarkand Region", "SAM", "uz.mvd.samarkand", UZ_LAB, 5),
        Place("RU", "Omsk Oblast", "OMS", "ru.mvd.omsk", RU_LAB, 6),
        Place("RU", "Novosibirsk Oblast", "NSK", "ru.mvd.novosibirsk", RU_LAB, 7),
        Place("RU", "Orenburg Oblast", "ORE", "ru.mvd.orenburg", RU_LAB, 5),
        Place("KG", "Bishkek", "BIS", "kg.mvd.bishkek", KG_LAB, 6),
        Place("KG", "Chuy Region", "CHU", "kg.mvd.chuy", KG_LAB, 6),
    )
}

KZ_REGIONS: tuple[str, ...] = tuple(p.region for p in PLACES.values() if p.jurisdiction == "KZ")
