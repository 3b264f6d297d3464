"""The agreement as data: the shipped Heemstede file, lookups, checks on load."""

from __future__ import annotations

import inspect
import re
import shutil
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.config import Config
from events.catalogue import (
    CATALOGUE_DIR,
    CatalogueError,
    UnknownAgreement,
    UnknownAmbition,
    UnknownBranch,
    UnknownGoal,
    agreement_for_municipality,
    available_agreements,
    load_agreement,
    load_file,
)
from events.figures.measures import MEASURES, Measure
from events.figures.measures.count import Count

HEEMSTEDE = "heemstede-2024-2027"
ZANDVOORT = Path(__file__).parent / "catalogues" / "zandvoort-2025-2028.toml"
REPORT_ENTRY = (
    '[[reporting.reports]]\ncode = "annual"\nname = "Jaarverslag"\nperiod = "year"\n'
)
GOAL_CODES = ("1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "3.1", "3.2")
GOAL_CODES += ("4.1", "4.2", "4.3", "5.1", "5.2", "5.3")


@pytest.fixture(scope="module")
def heemstede():
    return load_agreement(HEEMSTEDE)


def test_the_shipped_agreement_is_available_and_loads(heemstede):
    assert HEEMSTEDE in available_agreements()
    assert heemstede.name == HEEMSTEDE
    assert heemstede.version == 2
    assert heemstede.organisation == "Bibliotheek Zuid-Kennemerland"
    assert (heemstede.municipality.code, heemstede.municipality.name) == (
        "heemstede",
        "Heemstede",
    )
    assert (heemstede.start, heemstede.end) == (date(2024, 1, 1), date(2027, 12, 31))


def test_five_ambitions_and_fourteen_goals_in_the_seeds_order(heemstede):
    assert [ambition.number for ambition in heemstede.ambitions] == [1, 2, 3, 4, 5]
    assert heemstede.goal_codes == GOAL_CODES
    assert [goal.code for goal in heemstede.goals_of(4)] == ["4.1", "4.2", "4.3"]


def test_ambitions_carry_covenant_theme_and_text(heemstede):
    first, fifth = heemstede.ambition(1), heemstede.ambition(5)
    assert first.covenant == "Geletterde samenleving"
    assert first.theme == (
        "De Bibliotheek als goede start voor de toekomst: Taalvaardigheid"
    )
    assert first.text.startswith("Bibliotheek levert een bijdrage aan het leesplezier")
    assert (
        fifth.theme == "De Bibliotheek als studie & werkplek; onderlinge verbondenheid"
    )
    assert "geïnspireerd" in fifth.text


def test_goal_texts_are_the_seeds_own_words(heemstede):
    assert heemstede.goal("1.1").text == (
        "Meer bekendheid en gebruik van kinderboekencollectie en behouden groot "
        "bereik jeugdabonnement."
    )
    assert "zoals Taalsoos" in heemstede.goal("1.4").text
    assert heemstede.goal("1.4").target_group == "Volwassenen die Nederlands leren"
    reach_ido = "vragen bij het Informatie-punt Digitale Overheid (IDO)"
    assert heemstede.goal("2.2").reach.endswith(reach_ido)
    assert "(steekproef-gewijs, want geen bezoekers-teller)" in (
        heemstede.goal("3.1").reach
    )
    assert heemstede.goal("4.3").reach == "Afhankelijk van vraag/behoefte"


def test_branch_column(heemstede):
    assert heemstede.goal("4.3").branch is None
    others = [goal for goal in heemstede.goals if goal.code != "4.3"]
    assert {goal.branch for goal in others} == {"heemstede"}


def test_only_4_3_and_5_3_are_obligations_of_effort(heemstede):
    assert [goal.code for goal in heemstede.goals if goal.is_effort] == ["4.3", "5.3"]
    assert heemstede.goal("1.2").kind == "countable"


def test_partners_are_split_and_kept_as_written(heemstede):
    assert all(isinstance(goal.partners, tuple) for goal in heemstede.goals)
    goal = heemstede.goal("1.4")
    assert goal.partners == ("Platform Welkom Heemstede", "WIJ Heemstede")
    assert heemstede.goal("4.3").partners_text == (
        "Communities (jeugd). Partners: school en sport"
    )


def test_footnotes_and_the_goals_that_mark_them(heemstede):
    assert [footnote.number for footnote in heemstede.footnotes] == [1, 2, 3]
    marked = {goal.code: goal.footnotes for goal in heemstede.goals if goal.footnotes}
    assert marked == {"1.2": (1,), "1.4": (2,), "2.1": (3,)}
    assert "602" in heemstede.footnotes[1].text
    assert "Probiblio 2021" in heemstede.footnotes[1].text


def test_context_figures(heemstede):
    assert heemstede.context.average_class_size == 23
    assert heemstede.context.low_literate_adults == 602


def test_service_hours_and_reports(heemstede):
    staffed, self_service = heemstede.service_hours
    assert (staffed.code, staffed.min_per_week) == ("staffed", 38.5)
    assert staffed.complies(38.5) and not staffed.complies(38)
    assert (self_service.min_per_week, self_service.max_per_week) == (55, 57)
    assert self_service.complies(56) and not self_service.complies(57.5)
    assert "38,5 uur per week" in heemstede.general_text
    assert [report.period for report in heemstede.reports] == ["half-year", "year"]


def test_lookups(heemstede):
    assert heemstede.has_goal("2.2") and not heemstede.has_goal("6.1")
    assert heemstede.branch("heemstede").name == "Bibliotheek Heemstede (Plein1)"
    assert heemstede.has_branch("heemstede") and not heemstede.has_branch("haarlem")
    assert heemstede.district_codes == (
        "heemstede-centrum",
        "heemstede-zuid",
        "heemstede-overig",
        "buiten-heemstede",
    )
    assert heemstede.district("heemstede-zuid").name == "Heemstede-Zuid"


def test_unknown_codes_are_key_errors_that_say_what_is_missing(heemstede):
    with pytest.raises(KeyError):
        heemstede.goal("6.1")
    with pytest.raises(UnknownGoal, match=r"heemstede-2024-2027 has no goal '6\.1'"):
        heemstede.goal("6.1")
    with pytest.raises(UnknownBranch):
        heemstede.branch("haarlem")
    with pytest.raises(UnknownAmbition):
        heemstede.goals_of(6)


def test_contains_the_agreements_days(heemstede):
    assert heemstede.contains(date(2024, 1, 1))
    assert not heemstede.contains(date(2023, 12, 31))
    assert heemstede.contains(date(2027, 12, 31))
    assert not heemstede.contains(date(2028, 1, 1))


def test_the_branch_is_closed_on_public_holidays_but_open_on_good_friday(heemstede):
    branch = heemstede.branch("heemstede")
    closed = branch.closed_between(date(2025, 1, 1), date(2026, 1, 1))
    assert {date(2025, 1, 1), date(2025, 4, 21), date(2025, 12, 26)} <= closed
    assert date(2025, 4, 18) not in closed  # Goede vrijdag: open
    assert len(closed) == 10
    assert branch.opening_hours[3] == [(time(9), time(18)), (time(18), time(21))]


def test_a_moment_counts_by_its_day_in_the_configured_zone(heemstede):
    # 23:30 UTC on New Year's Eve is already 2024 in Amsterdam, not in UTC.
    amsterdam = Config.from_env({"BIEB_SECRET_KEY": "x"}).zone  # the default
    new_year = datetime(2023, 12, 31, 23, 30, tzinfo=UTC)
    assert heemstede.contains(new_year, amsterdam)
    assert not heemstede.contains(new_year, ZoneInfo("UTC"))
    assert not heemstede.contains(datetime(2027, 12, 31, 23, 30, tzinfo=UTC), amsterdam)
    with pytest.raises(ValueError, match="timezone-aware"):
        heemstede.contains(datetime(2024, 6, 1, 12, 0), amsterdam)
    with pytest.raises(ValueError, match="BIEB_TIME_ZONE"):
        heemstede.contains(new_year)  # an agreement has no zone of its own


def test_a_catalogue_that_names_a_time_zone_is_refused(tmp_path):
    text = ZANDVOORT.read_text()
    text = text.replace("end = 2028-12-31", 'end = 2028-12-31\ntime_zone = "UTC"')
    path = tmp_path / "zandvoort-2025-2028.toml"
    path.write_text(text)
    with pytest.raises(
        CatalogueError,
        match=r"agreement: .time_zone. is not part of an agreement.*BIEB_TIME_ZONE",
    ):
        load_file(path)


def test_load_agreement_is_cached_and_refuses_unknown_names():
    assert load_agreement(HEEMSTEDE) is load_agreement(HEEMSTEDE)
    for name in ("bloemendaal-2024-2027", "../catalogue/heemstede-2024-2027"):
        with pytest.raises(UnknownAgreement):
            load_agreement(name)


def test_agreement_for_municipality_on_a_date():
    found = agreement_for_municipality("heemstede", date(2025, 7, 1))
    assert found.name == HEEMSTEDE
    with pytest.raises(UnknownAgreement):
        agreement_for_municipality("heemstede", date(2028, 1, 1))
    with pytest.raises(UnknownAgreement):
        agreement_for_municipality("zandvoort", date(2025, 7, 1))


def test_another_agreement_is_one_more_file(tmp_path):
    shutil.copy(ZANDVOORT, tmp_path)
    shutil.copy(CATALOGUE_DIR / f"{HEEMSTEDE}.toml", tmp_path)
    zandvoort = load_file(tmp_path / ZANDVOORT.name)
    assert zandvoort.municipality.code == "zandvoort"
    assert zandvoort.branch("zandvoort").name == "Bibliotheek Zandvoort"
    assert zandvoort.goal_codes == ("1.1", "1.2", "2.1")
    assert zandvoort.goal("1.2").partners == ()
    assert zandvoort.goal("1.2").partners_text == ""
    assert zandvoort.context.low_literate_adults is None
    assert available_agreements(tmp_path) == [HEEMSTEDE, "zandvoort-2025-2028"]
    on = date(2026, 3, 1)
    assert agreement_for_municipality("zandvoort", on, tmp_path) == zandvoort
    assert agreement_for_municipality("heemstede", on, tmp_path).name == HEEMSTEDE


def test_districts_footnotes_and_hours_may_be_left_out(tmp_path):
    text = ZANDVOORT.read_text(encoding="utf-8")
    text = re.sub(
        r"\[\[(districts|footnotes|general\.service_hours)\]\]\n(\w.*\n)*", "", text
    )
    text = text.replace(" [1].", ".")
    agreement = load_file(write(tmp_path, "zandvoort-2025-2028", text))
    assert agreement.districts == agreement.footnotes == agreement.service_hours == ()


def test_two_agreements_of_one_municipality_must_not_overlap(tmp_path):
    later = ZANDVOORT.read_text(encoding="utf-8")
    later = later.replace("zandvoort-2025-2028", "zandvoort-2028-2031")
    later = later.replace("start = 2025-01-01", "start = 2028-01-01")
    later = later.replace("end = 2028-12-31", "end = 2031-12-31")
    write(tmp_path, "zandvoort-2025-2028", ZANDVOORT.read_text(encoding="utf-8"))
    write(tmp_path, "zandvoort-2028-2031", later)
    first = agreement_for_municipality("zandvoort", date(2026, 1, 1), tmp_path)
    second = agreement_for_municipality("zandvoort", date(2030, 1, 1), tmp_path)
    assert (first.name, second.name) == ("zandvoort-2025-2028", "zandvoort-2028-2031")
    with pytest.raises(CatalogueError, match="overlap on 2028-06-01"):
        agreement_for_municipality("zandvoort", date(2028, 6, 1), tmp_path)


def test_the_error_names_the_file_and_the_entry(tmp_path):
    text = (CATALOGUE_DIR / f"{HEEMSTEDE}.toml").read_text(encoding="utf-8")
    text = re.sub(r'^text = "Uitbreiding van aanbod.*\n', "", text, flags=re.M)
    path = write(tmp_path, HEEMSTEDE, text)
    with pytest.raises(CatalogueError) as caught:
        load_file(path)
    assert (
        str(caught.value) == "heemstede-2024-2027.toml: goals[3] (1.4): missing 'text'"
    )
    assert caught.value.where == "goals[3] (1.4)"


BROKEN = [
    pytest.param(
        (
            'name = "Bibliotheek Zandvoort"\n',
            'name = "Bibliotheek Zandvoort"\nopen_on = ["Sinterklaas"]\n',
        ),
        "branches[0] (zandvoort): open_on: 'Sinterklaas' is not one of "
        "Bevrijdingsdag, Eerste kerstdag, Eerste paasdag, Eerste pinksterdag, "
        "Goede vrijdag, Hemelvaartsdag, Koningsdag, Nieuwjaarsdag, Tweede kerstdag, "
        "Tweede paasdag, Tweede pinksterdag",
        id="unknown holiday",
    ),
    pytest.param(
        (
            'name = "Bibliotheek Zandvoort"\n',
            'name = "Bibliotheek Zandvoort"\nclosed_on_public_holidays = "ja"\n',
        ),
        "branches[0] (zandvoort): 'closed_on_public_holidays' must be true or "
        "false, not a string",
        id="holidays flag not a boolean",
    ),
    pytest.param(
        (
            'name = "Bibliotheek Zandvoort"\n',
            'name = "Bibliotheek Zandvoort"\n'
            'opening_hours = { maandag = ["18:00-09:00"] }\n',
        ),
        "branches[0] (zandvoort): opening_hours: '18:00-09:00' does not run forward",
        id="opening hours backwards",
    ),
    pytest.param(
        ('code = "1.2"', 'code = "1.1"'),
        "goals[1] (1.1): duplicate goal code '1.1'",
        id="duplicate goal code",
    ),
    pytest.param(
        ('code = "2.1"', 'code = "3.1"'),
        "goals[2] (3.1): ambition 3 of goal 3.1 does not exist",
        id="goal of a missing ambition",
    ),
    pytest.param(
        ('code = "2.1"', 'code = "1.3"'),
        "ambitions[1] (2): ambition 2 has no goals",
        id="ambition without goals",
    ),
    pytest.param(
        ('text = "Testdoel over leesclubs."\n', ""),
        "goals[1] (1.2): missing 'text'",
        id="missing text",
    ),
    pytest.param(
        ('text = "Testdoel over leesclubs."', 'text = "  "'),
        "goals[1] (1.2): 'text' is empty",
        id="blank text",
    ),
    pytest.param(
        ('kind = "effort"', 'kind = "effort"\nindicator = []'),
        "goals[2] (2.1): unknown key 'indicator'",
        id="unknown key in a goal",
    ),
    pytest.param(
        ("version = 2", 'version = 2\nowner = "x"'),
        "agreement: unknown key 'owner'",
        id="unknown key in the head",
    ),
    pytest.param(
        ("[context]", "[extra]\nx = 1\n\n[context]"),
        "unknown key 'extra'",
        id="unknown table",
    ),
    pytest.param(
        ("[context]\naverage_class_size = 24\n", ""),
        "missing 'context'",
        id="missing table",
    ),
    pytest.param(
        (REPORT_ENTRY, "reports = []\n"),
        "reporting: 'reports' has no entries",
        id="empty array",
    ),
    pytest.param(
        ("end = 2028-12-31", "end = 2024-12-31"),
        "agreement: start 2025-01-01 is after end 2024-12-31",
        id="start after end",
    ),
    pytest.param(
        ('code = "1.2"', 'code = "1-2"'),
        "goals[1] (1-2): goal code '1-2' must look like N.M, e.g. 1.4",
        id="bad goal code",
    ),
    pytest.param(
        (
            'name = "Bibliotheek Zandvoort"',
            'name = "Z"\n[[branches]]\ncode = "zandvoort"',
        ),
        "branches[1] (zandvoort): missing 'name'",
        id="branch without a name",
    ),
    pytest.param(
        (
            'name = "Bibliotheek Zandvoort"',
            'name = "Z"\n[[branches]]\ncode = "zandvoort"\nname = "Y"',
        ),
        "branches[1] (zandvoort): duplicate branch code 'zandvoort'",
        id="duplicate branch code",
    ),
    pytest.param(
        ('code = "bentveld"', 'code = "Bentveld"'),
        "districts[1] (Bentveld): 'code' must be lower-case words joined by '-'",
        id="bad district code",
    ),
    pytest.param(
        (
            'branch = "zandvoort"\nreach = "Aantal deelnemers"',
            'branch = "haarlem"\nreach = "x"',
        ),
        "goals[0] (1.1): branch 'haarlem' is not among the branches",
        id="goal of a missing branch",
    ),
    pytest.param(
        ("voorlezen [1].", "voorlezen [2]."),
        "goals[0] (1.1): footnote [2] is not among the footnotes",
        id="missing footnote",
    ),
    pytest.param(
        ('kind = "effort"', 'kind = "anecdotal"'),
        "goals[2] (2.1): 'kind' must be one of countable, effort",
        id="unknown goal kind",
    ),
    pytest.param(
        ("partners = []", 'partners = "geen"'),
        "goals[1] (1.2): 'partners' must be a list of strings, not a string",
        id="partners not a list",
    ),
    pytest.param(
        ("version = 2", 'version = "2"'),
        "agreement: 'version' must be a whole number, not a string",
        id="wrong type",
    ),
    pytest.param(
        ("average_class_size = 24", "average_class_size = true"),
        "context: 'average_class_size' must be a whole number, not a boolean",
        id="boolean for a number",
    ),
    pytest.param(
        ("average_class_size = 24", "average_class_size = 0"),
        "context: 'average_class_size' must be at least 1, not 0",
        id="number too small",
    ),
    pytest.param(
        ("start = 2025-01-01", "start = 2025-01-01T00:00:00"),
        "agreement: 'start' must be a date like 2024-01-01, not a time",
        id="date-time for a date",
    ),
    pytest.param(
        ('name = "zandvoort-2025-2028"', 'name = "zandvoort-2025-2029"'),
        "agreement: name 'zandvoort-2025-2029' differs from the file name"
        " 'zandvoort-2025-2028'",
        id="name is not the file name",
    ),
    pytest.param(
        ("min_per_week = 30", "min_per_week = 30\nmax_per_week = 20"),
        "general.service_hours[0] (staffed): 'max_per_week' is below 'min_per_week'",
        id="hours range upside down",
    ),
    pytest.param(
        ('period = "year"', 'period = "quarter"'),
        "reporting.reports[0] (annual): 'period' must be one of half-year, year",
        id="unknown report period",
    ),
]


@pytest.mark.parametrize(("edit", "message"), BROKEN)
def test_a_broken_file_is_refused_with_the_entry_named(tmp_path, edit, message):
    old, new = edit
    text = ZANDVOORT.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the edit must hit one place: {old!r}"
    path = write(tmp_path, "zandvoort-2025-2028", text.replace(old, new))
    with pytest.raises(CatalogueError) as caught:
        load_file(path)
    assert str(caught.value) == f"zandvoort-2025-2028.toml: {message}"


def test_a_file_that_is_not_toml_is_refused(tmp_path):
    text = ZANDVOORT.read_text(encoding="utf-8") + "\ngoals = [\n"
    path = write(tmp_path, "zandvoort-2025-2028", text)
    with pytest.raises(
        CatalogueError, match=r"^zandvoort-2025-2028\.toml: not valid TOML"
    ):
        load_file(path)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


# -- measures: one module each, registered in one table ---------------------------

INTERFACE = ("validate", "fold", "shown", "months_without_data", "behind",
             "reported", "notes")  # fmt: skip


@pytest.mark.parametrize("name", list(MEASURES))
def test_every_registered_measure_implements_the_whole_interface(name, heemstede):
    measure = MEASURES[name]
    assert isinstance(measure, Measure)
    assert measure.name == name
    assert not inspect.isabstract(type(measure))
    assert all(callable(getattr(measure, method)) for method in INTERFACE)
    assert measure.method in ("counted", "estimated")
    assert isinstance(measure.additive, bool)
    assert isinstance(measure.replaces, bool)
    assert measure.session_part in (None, "records", "participants")
    # Declared in the shipped agreement, so the figure and drill-down tests reach it.
    declared = [i for g in heemstede.goals for i in g.indicators if i.measure == name]
    assert declared, f"no indicator of the agreement uses {name!r}"
    assert {(i.additive, i.method) for i in declared} == {
        (measure.additive, measure.method)
    }


MEASURE_DECLARATIONS = [
    pytest.param(
        ('measure = "stock"', 'measure = "median"'),
        "'measure' must be one of count, sum, latest, participants, active, stock, "
        "estimate, occupancy",
        id="unknown measure",
    ),
    pytest.param(
        ('value = "pupils"\n', ""),
        "a 'sum' indicator names the field in 'value'",
        id="sum without a value",
    ),
    pytest.param(
        (
            'key = ["month", "audience", "collection"]\nwhere = { audience = "youth" }',
            'where = { audience = "youth" }',
        ),
        "a 'latest' indicator names its key fields in 'key'",
        id="latest without a key",
    ),
    pytest.param(
        ('date = "counted_on"\n', ""),
        "a 'stock' indicator names the date it is counted on",
        id="stock without a date",
    ),
    pytest.param(
        (
            'events = ["PartnerJoined", "PartnerLeft"]',
            'events = ["PartnerJoined", "PartnerLeft", "CommunityEnded"]',
        ),
        "an 'active' indicator names a start and an end event",
        id="active with three event types",
    ),
]


@pytest.mark.parametrize(("edit", "message"), MEASURE_DECLARATIONS)
def test_the_measure_checks_its_declaration(tmp_path, edit, message):
    old, new = edit
    text = (CATALOGUE_DIR / f"{HEEMSTEDE}.toml").read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the edit must hit one place: {old!r}"
    path = write(tmp_path, HEEMSTEDE, text.replace(old, new))
    with pytest.raises(CatalogueError) as caught:
        load_file(path)
    assert str(caught.value).endswith(f": {message}")


class Tally(Count):
    """A measure the table does not hold until a test registers it."""

    name = "tally"


def test_a_measure_is_declarable_once_it_is_in_the_table(tmp_path, monkeypatch):
    text = (CATALOGUE_DIR / f"{HEEMSTEDE}.toml").read_text(encoding="utf-8")
    old = 'code = "school-lessons"\nlabel = "Lessen op school"\nmeasure = "count"'
    assert text.count(old) == 1
    path = write(tmp_path, HEEMSTEDE, text.replace(old, old[:-7] + '"tally"'))
    with pytest.raises(CatalogueError, match="'measure' must be one of"):
        load_file(path)
    monkeypatch.setitem(MEASURES, "tally", Tally())
    lessons = load_file(path).goal("1.2").indicators[1]
    assert (lessons.code, lessons.measure, lessons.method) == (
        "school-lessons", "tally", "counted",
    )  # fmt: skip
