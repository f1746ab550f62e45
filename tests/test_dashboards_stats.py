"""Dashboards that aggregate in SQL show what the per-row version showed: the box statistics
of the aanbieders page are plotly's own, the no-show streaks equal grouping every contact."""

import math
import random
from datetime import date, datetime, timedelta

import duckdb
import pytest

from declaratiemonitor.lib import dashboard as render

PEILDATUM = date(2026, 11, 23)


def _module(slug: str):
    return next(m for m in render.page_modules() if render.slug_of(m) == slug)


def plotly_box(values: list[float]) -> tuple[float, float, float, float, float]:
    """q1, median, q3 and the whiskers as plotly.js computes them (quartilemethod 'linear')."""
    t = sorted(values)
    n = len(t)

    def interp(p: float) -> float:
        h = p * n - 0.5
        if h < 0:
            return t[0]
        if h > n - 1:
            return t[-1]
        frac = h % 1
        return frac * t[math.ceil(h)] + (1 - frac) * t[math.floor(h)]

    q1, median, q3 = interp(0.25), interp(0.5), interp(0.75)
    above = [i for i, v in enumerate(t) if v >= 2.5 * q1 - 1.5 * q3]
    below = [i for i, v in enumerate(t) if v <= 2.5 * q3 - 1.5 * q1]
    low = min(q1, t[min(above[0] if above else n, n - 1)])
    high = max(q3, t[max(below[-1] if below else -1, 0)])
    return q1, median, q3, low, high


def _boxes_con(groups: dict[tuple[str, str | None], list[float]]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        "create temp table dash_uitnutting (soort varchar, doos varchar, "
        "toewijzing_nummer varchar, aanbieder_agb varchar, u_f double, y double)"
    )
    rows = [
        (soort, doos, f"T{soort}{doos}{i}", doos or "11111111", y / 100, y)
        for (soort, doos), values in groups.items()
        for i, y in enumerate(values)
    ]
    con.executemany("insert into dash_uitnutting values (?, ?, ?, ?, ?, ?)", rows)
    return con


def test_box_statistics_are_plotlys() -> None:
    m = _module("aanbieders")
    rng = random.Random(7)
    groups = {}
    for n in (1, 2, 3, 4, 5, 6, 7, 10, 33, 250, 1000):
        values = [round(rng.lognormvariate(4.5, 0.5), 1) for _ in range(n)]
        if n > 5:
            values += [900.0, -400.0]  # outliers on both sides
        if n == 1000:
            values += [1000.0 + i for i in range(250)]  # more outliers than a box shows
        groups[("ambulant", f"A{n:07d}")] = values
    groups[("ambulant", None)] = [v for vs in groups.values() for v in vs]
    con = _boxes_con(groups)
    con.execute(m.BOXES)
    stats = render.query(con, m.BOX_STATS, {"max": m.MAX_POINTS})
    points = render.query(con, m.BOX_POINTS, {"max": m.MAX_POINTS})
    assert stats.height == len(groups)
    for x in stats.iter_rows(named=True):
        values = groups[(x["soort"], x["doos"])]
        expected = plotly_box(values)
        got = (x["q1"], x["mediaan"], x["q3"], x["ondergrens"], x["bovengrens"])
        assert got == pytest.approx(expected), (x["doos"], len(values))
        shown = points.filter(points["doos"].eq_missing(x["doos"]))
        outliers = [v for v in values if v < expected[3] or v > expected[4]]
        if len(values) <= m.MAX_POINTS:  # a small box shows every allocation
            assert sorted(shown["y"].to_list()) == sorted(values)
            assert x["weggelaten"] == 0
        else:  # a large one its most extreme outliers, at most MAX_POINTS, and says how many not
            assert shown.height == min(len(outliers), m.MAX_POINTS)
            assert set(shown["y"].to_list()) <= set(outliers)
            assert x["weggelaten"] == len(outliers) - shown.height
            # the most extreme on both sides
            assert {min(outliers), max(outliers)} <= set(shown["y"].to_list())
    assert stats["weggelaten"].sum() > 0


def test_usage_chart_notes_left_out_points() -> None:
    m = _module("aanbieders")
    groups = {("ambulant", None): [float(i % 97) for i in range(3000)] + [500.0] * 300}
    groups[("ambulant", "12345678")] = groups[("ambulant", None)]
    con = _boxes_con(groups)
    con.execute(m.BOXES)
    stats = render.query(con, m.BOX_STATS, {"max": m.MAX_POINTS})
    points = render.query(con, m.BOX_POINTS, {"max": m.MAX_POINTS})
    fig = m.usage_chart(stats, points, "ambulant")
    texts = [a.text for a in fig.layout.annotations]
    assert any("200 uitschieters zijn weggelaten" in t for t in texts), texts
    boxes = [t for t in fig.data if t.type == "box"]
    assert [b.name for b in boxes] == ["alle aanbieders", "12345678"]
    assert all(len(t.y) <= m.MAX_POINTS for t in fig.data if t.type == "scatter")


# the per-contact definition the page used before: contacten.sql grouped per reeks
STREAKS_BY_CONTACT = """
with c as ({sql}),
streaks as (
    select toewijzing_nummer, gemeente_code, aanbieder_agb, client_key, reeks,
        any_value(min_pogingen) as min_pogingen, any_value(min_dagen) as min_dagen,
        count(*) filter (where is_poging) as pogingen,
        min(datum) filter (where is_poging) as begin_reeks,
        max(datum) filter (where is_poging) as laatste_poging,
        min(datum) filter (where poging_nr = min_pogingen) as nde_poging,
        min(datum) filter (where is_inhoudelijk) as contact_op
    from c group by toewijzing_nummer, gemeente_code, aanbieder_agb, client_key, reeks
    having count(*) filter (where is_poging) > 0
),
due as (
    select *, if(nde_poging is null, null,
        greatest(nde_poging, cast(begin_reeks + min_dagen as date))) as opschalen_op
    from streaks
)
select *,
    row_number() over (partition by toewijzing_nummer, gemeente_code, client_key order by reeks)
        as reeks_nr,
    case
        when opschalen_op <= getvariable('peildatum')
            and (contact_op is null or contact_op >= opschalen_op) then 'opschalen was nodig'
        when contact_op is not null then 'afgesloten met contact'
        when opschalen_op is not null then 'loopt, opschalen gepland'
        else 'loopt'
    end as status
from due
"""


def _contacts_con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("create schema staging; create schema models")
    con.execute(
        "create table staging.contactmomenten (toewijzing_nummer varchar, client_key varchar, "
        "aanbieder_agb varchar, contact_id varchar, gepland_begin timestamp, soort varchar, "
        "kanaal varchar, resultaat varchar, afgezegd_op timestamp, minuten_gedeclareerd integer)"
    )
    con.execute(
        "create table models.toewijzingen as select * from (values "
        "('T1', '1', 'G1'), ('T2', '2', 'G1'), ('T3', '3', 'G2'), ('T4', '4', 'G2')) "
        "as t(toewijzing_nummer, client_key, gemeente_code)"
    )
    con.execute(
        "create table staging.regelparameters as select * from (values "
        "('G1', 3, 10, 15), ('G2', null, null, null)) "
        "as p(gemeente_code, min_pogingen, min_dagen, noshow_max_minuten)"
    )
    con.execute(f"set variable peildatum = date '{PEILDATUM}'")
    rng = random.Random(3)
    rows = []
    for k in range(1, 6):  # T5 has no allocation
        start = datetime(2026, 1, 1)
        for i in range(rng.randint(20, 80)):
            start += timedelta(days=rng.choice([0, 0, 1, 3, 7]))  # many at the same moment
            soort = rng.choice(["contactpoging", "no_show", "gesprek", "no_show"])
            resultaat = rng.choice(["geen_contact", "vluchtig", "inhoudelijk", "geen_contact"])
            rows.append(
                (f"T{k}", str(k), f"A{k % 2}", f"C{k}-{rng.randint(0, 10**6):07d}-{i}", start,
                 soort, "telefoon", resultaat, None, rng.choice([0, 15, 30]))
            )  # fmt: skip
    con.executemany("insert into staging.contactmomenten values (?,?,?,?,?,?,?,?,?,?)", rows)
    con.execute("create temp table dash_keuze as select distinct toewijzing_nummer "
                "from staging.contactmomenten")  # fmt: skip
    return con


def test_streaks_equal_grouping_every_contact() -> None:
    con = _contacts_con()
    old = STREAKS_BY_CONTACT.format(sql=render.sql_text("contacten"))
    new = render.sql_text("reeksen")
    assert con.execute(f"select count(*) from ({new})").fetchall()[0][0] > 10
    for a, b in ((old, new), (new, old)):
        assert con.execute(f"select count(*) from (({a}) except all ({b}))").fetchall() == [(0,)]
    statuses = {s for (s,) in con.execute(f"select distinct status from ({new})").fetchall()}
    assert {"opschalen was nodig", "afgesloten met contact"} <= statuses
