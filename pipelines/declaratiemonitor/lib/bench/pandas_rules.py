"""A straightforward pandas version of the uitnutting, vervoer and bw_afwezigheid rules.

Written for the benchmark only: the way an analyst would write these rules in pandas (read the
files into DataFrames, merge, filter, groupby, cumsum; range joins as merge-then-filter, day
ranges expanded with np.repeat), with the semantics of RULES.md and the `reading:` lines of
the SQL files, including the net claims and the shared models. No per-row Python loops; no
tricks either. The benchmark checks that it finds exactly the pipeline's signals (compare.py)
and times it against the same rules in the pipeline.

Every rule returns the rule contract's columns (docs/design.md) plus rule_id; the message is
not rebuilt (Dutch formatting is not what is being compared).
"""

import hashlib
import hmac
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from declaratiemonitor.lib import reference
from declaratiemonitor.lib.bench.compare import COLUMNS
from declaratiemonitor.lib.warehouse import hmac_key
from declaratiemonitor.paths import REFERENCE_DIR

KEYS = ["gemeente_code", "toewijzing_nummer"]
OUTPUT = ["rule_id", *COLUMNS]  # the rule contract without the Dutch message
TRANSPORT = ("vervoer", "vervoer_rolstoel")
DAY = pd.Timedelta(days=1)


# ---- helpers --------------------------------------------------------------------------------
def round_half_up(x) -> pd.Series:
    return np.floor(pd.Series(x, dtype="float64") + 0.5).astype("Int64")


def month_start(d: pd.Series) -> pd.Series:
    return d.dt.to_period("M").dt.to_timestamp()


def month_end(d: pd.Series) -> pd.Series:
    return month_start(d) + pd.offsets.MonthEnd(0)


def add_months(d: pd.Series, n) -> pd.Series:
    """d + n calendar months, clamped to the month's end (RULES.md)."""
    index = d.dt.year * 12 + d.dt.month - 1 + n
    first = pd.to_datetime(pd.DataFrame({"year": index // 12, "month": index % 12 + 1, "day": 1}))
    day = np.minimum(d.dt.day, first.dt.days_in_month)
    return first + pd.to_timedelta(day - 1, unit="D")


def iso_week_start(d: pd.Series) -> pd.Series:
    return d - pd.to_timedelta(d.dt.weekday, unit="D")


def days(a: pd.Series, b: pd.Series) -> pd.Series:
    """b - a in days."""
    return (b - a).dt.days


def within(d: pd.Series, start: pd.Series, end: pd.Series) -> pd.Series:
    """start <= d and (end is null or d <= end)."""
    return (d >= start) & (end.isna() | (d <= end))


def left_join_where(left, right, on, where: Callable[[pd.DataFrame], pd.Series]):
    """SQL `left join right on <equalities> and <where>`: unmatched left rows keep nulls."""
    left = left.assign(_lid=np.arange(len(left)))
    both = left.merge(right, on=on, how="inner")
    both = both[where(both).fillna(False).astype(bool)]
    rest = left[~left["_lid"].isin(both["_lid"])]
    return pd.concat([both, rest], ignore_index=True).drop(columns="_lid")


def _split_lists(ordered: pd.DataFrame, by: list[str], column: str, name: str) -> pd.DataFrame:
    """One list of `column` per group of an already sorted frame (sort, then split: the usual
    vectorised pandas idiom; groupby().agg(list) costs a Python call per group)."""
    if ordered.empty:
        return ordered[by].iloc[0:0].assign(**{name: pd.Series(dtype=object)})
    keys = ordered[by].reset_index(drop=True)
    starts = np.flatnonzero(keys.ne(keys.shift()).any(axis=1).to_numpy())
    values = ordered[column].to_numpy(dtype=object)
    lists = [part.tolist() for part in np.split(values, starts[1:])]
    return keys.iloc[starts].assign(**{name: lists}).reset_index(drop=True)


def sorted_lists(frame: pd.DataFrame, by: list[str], column: str, name: str) -> pd.DataFrame:
    """Distinct non-null values of `column` per group, sorted."""
    f = frame[by + [column]].dropna(subset=[column]).drop_duplicates()
    return _split_lists(f.sort_values(by + [column]), by, column, name)


def ordered_lists(frame: pd.DataFrame, by: list[str], name: str) -> pd.DataFrame:
    """referentie_nummers per group in (begindatum, referentie_nummer) order."""
    f = frame[by + ["begindatum", "referentie_nummer"]]
    return _split_lists(
        f.sort_values(by + ["begindatum", "referentie_nummer"]), by, "referentie_nummer", name
    )


def finish(frame: pd.DataFrame, rule_id: str) -> pd.DataFrame:
    out = frame.assign(rule_id=rule_id)
    for col in OUTPUT:
        if col not in out:
            out[col] = None
    return out[OUTPUT].reset_index(drop=True)


def unit_of(frame: pd.DataFrame, budget: bool = True) -> np.ndarray:
    conditions = [
        frame["volume"].isna() if budget else np.zeros(len(frame), dtype=bool),
        frame["is_tijd"].astype(bool),
        frame["eenheid"].eq("14"),
        frame["eenheid"].eq("16"),
        frame["soort"].isin(TRANSPORT),
    ]
    choices = ["eurocent", "minuten", "etmalen", "dagdelen", "retourritten"]
    return np.select(conditions, choices, default="eenheden")


def expand_days(frame: pd.DataFrame, start: str, end: str, name: str = "dag") -> pd.DataFrame:
    """One row per day of [start, end] (inclusive)."""
    n = days(frame[start], frame[end]).clip(lower=0).to_numpy() + 1
    out = frame.loc[frame.index.repeat(n)].copy()
    offset = np.arange(len(out)) - np.repeat(np.cumsum(n) - n, n)
    out[name] = out[start].to_numpy() + pd.to_timedelta(offset, unit="D").to_numpy()
    return out.reset_index(drop=True)


# ---- reading ----------------------------------------------------------------------------------
DATES = {
    "declaraties": ["declaratie_dagtekening", "begindatum", "einddatum"],
    "toewijzingen": ["toewijzing_datum", "ingangsdatum", "einddatum"],
    "afwezigheden": ["begindatum", "einddatum"],
    "producten": ["geldig_van", "geldig_tot"],
    "vervoer_staffels": ["geldig_van", "geldig_tot"],
}


def _dates(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    for col in DATES.get(table, []):
        frame[col] = pd.to_datetime(frame[col])
    return frame


def read_table(landing: Path, table: str) -> pd.DataFrame:
    path = landing / f"{table}.parquet"
    if path.exists():
        frame = pd.read_parquet(path)
    elif (landing / f"{table}.csv").exists():
        frame = pd.read_csv(landing / f"{table}.csv", dtype=str, keep_default_na=False)
        frame = frame.replace("", None)
    else:
        return pd.DataFrame()
    frame["_volgnr"] = np.arange(1, len(frame) + 1)
    return _dates(pseudonymise(frame), table)


def pseudonymise(frame: pd.DataFrame) -> pd.DataFrame:
    """The BSN replaced by its client_key (HMAC-SHA256, as the pipeline's staging does),
    computed once per distinct BSN."""
    if "bsn" not in frame:
        return frame
    key = hmac_key()
    codes, bsns = pd.factorize(frame.pop("bsn"))
    keys = np.array([hmac.new(key, b.encode(), hashlib.sha256).hexdigest() for b in bsns] + [None])
    frame["client_key"] = keys[codes]  # code -1 (no BSN) takes the last entry: None
    return frame


def read_reference(landing: Path, table: str) -> pd.DataFrame:
    """The repo's rows per gemeente, replaced by the landing folder's file where it has one."""
    repo = pd.concat(
        [
            pd.read_csv(p, dtype=str, keep_default_na=False)
            for p in sorted(REFERENCE_DIR.glob(f"*/{table}.csv"))
        ],
        ignore_index=True,
    ).replace("", None)
    own = read_table(landing, table)
    if len(own):
        own = own.astype({c: str for c in own.columns if c != "_volgnr"})
        repo = pd.concat([repo[~repo["gemeente_code"].isin(own["gemeente_code"])], own])
    frame = repo.drop(columns="_volgnr", errors="ignore")
    for col in ("tarief_cents",):
        frame[col] = frame[col].astype("int64")
    if table == "vervoer_staffels":
        frame["km_van"] = frame["km_van"].astype(float)
        frame["km_tot"] = frame["km_tot"].astype(float)
        frame["rolstoel"] = frame["rolstoel"].str.lower().eq("true")
    return _dates(frame.reset_index(drop=True), table)


def load(landing: Path) -> dict[str, pd.DataFrame]:
    tables = {
        t: read_table(landing, t)
        for t in (
            "declaraties",
            "toewijzingen",
            "afwezigheden",
            "reisafstanden",
            "declaratie_antwoorden",
        )
    }
    tables["producten"] = read_reference(landing, "producten")
    tables["vervoer_staffels"] = read_reference(landing, "vervoer_staffels")
    gemeenten = (
        set(tables["toewijzingen"]["gemeente_code"])
        | set(tables["declaraties"]["gemeente_code"])
        | set(tables["producten"]["gemeente_code"])
    )
    defaults, overrides = reference.load_parameters(REFERENCE_DIR, landing)
    tables["regelparameters"] = reference.parameters_frame(
        defaults, overrides, sorted(gemeenten)
    ).to_pandas()
    return tables


# ---- models -------------------------------------------------------------------------------------
def product_on(frame: pd.DataFrame, products: pd.DataFrame, day: str) -> pd.DataFrame:
    """soort and tarief_cents of the producten row valid on `day` (latest geldig_van wins),
    looked up once per distinct (gemeente, product, day) and merged back."""
    keys = ["gemeente_code", "product_code", day]
    distinct = frame[keys].dropna(subset=["product_code"]).drop_duplicates()
    hits = distinct.merge(
        products[
            ["gemeente_code", "product_code", "soort", "tarief_cents", "geldig_van", "geldig_tot"]
        ],
        on=["gemeente_code", "product_code"],
    )
    hits = hits[within(hits[day], hits["geldig_van"], hits["geldig_tot"])]
    hits = hits.sort_values("geldig_van").drop_duplicates(keys, keep="last")
    looked_up = frame[keys].merge(hits[keys + ["soort", "tarief_cents"]], on=keys, how="left")
    return looked_up[["soort", "tarief_cents"]].reset_index(drop=True)


def allocations_model(alloc: pd.DataFrame, products: pd.DataFrame, peildatum) -> pd.DataFrame:
    latest = alloc.sort_values(["toewijzing_datum", "_volgnr"]).drop_duplicates(KEYS, keep="last")
    a = latest.reset_index(drop=True)
    p = product_on(a, products, "ingangsdatum")
    a["tarief_cents"] = p["tarief_cents"].to_numpy()
    a["soort"] = np.where(
        a["product_code"].isna(),
        "categorie:" + a["product_categorie"].astype(str),
        p["soort"].fillna("overig").to_numpy(),
    )
    a["geldig_tot"] = a["einddatum"].fillna(peildatum)
    a["is_tijd"] = a["eenheid"].isin(["01", "04"])
    a["minuten_per_eenheid"] = np.where(a["eenheid"].eq("04"), 60, 1)
    a["geldigheid_dagen"] = days(a["ingangsdatum"], a["geldig_tot"]) + 1
    a["verstreken_dagen"] = (
        days(a["ingangsdatum"], a["geldig_tot"].clip(upper=peildatum)) + 1
    ).clip(lower=0)
    months = (
        (a["geldig_tot"].dt.year * 12 + a["geldig_tot"].dt.month)
        - (a["ingangsdatum"].dt.year * 12 + a["ingangsdatum"].dt.month)
        + 1
    )
    a["in_scope"] = a["reden_wijziging"].fillna("").ne("13") & (a["ingangsdatum"] <= peildatum)
    a["f"] = a["verstreken_dagen"] / a["geldigheid_dagen"]
    total = np.select(
        [
            a["frequentie"].eq("6"),
            a["frequentie"].eq("2"),
            a["frequentie"].eq("4"),
            a["frequentie"].eq("1"),
        ],
        [
            a["volume"],
            a["volume"] * np.ceil(a["geldigheid_dagen"] / 7),
            a["volume"] * months,
            a["volume"] * a["geldigheid_dagen"],
        ],
        default=np.nan,
    )
    a["toegewezen_totaal"] = total * a["minuten_per_eenheid"]
    return a


NOT_REJECTING = {"0200", "0233", "8001"}  # WJ001 codes that reject nothing (iwmo/BRON.md)


def rejected(claims: pd.DataFrame, answers: pd.DataFrame) -> np.ndarray:
    """Per claim line: listed in a 325 for its 323 (gemeente, aanbieder, declaratie_nummer),
    or of a 323 that a 325 rejects as a whole (RULES.md Conventions, Rejected lines)."""
    if not len(answers):
        return np.zeros(len(claims), dtype=bool)
    claim = ["gemeente_code", "aanbieder_agb", "declaratie_nummer"]
    listed = answers[answers["referentie_nummer"].notna()]
    whole = answers[answers["referentie_nummer"].isna()]
    codes = whole["retourcodes"].fillna("").str.split(";")
    whole = whole[[any(c.strip() not in NOT_REJECTING | {""} for c in cs) for cs in codes]]
    by_line = pd.MultiIndex.from_frame(claims[[*claim, "referentie_nummer"]]).isin(
        pd.MultiIndex.from_frame(listed[[*claim, "referentie_nummer"]])
    )
    by_claim = pd.MultiIndex.from_frame(claims[claim]).isin(pd.MultiIndex.from_frame(whole[claim]))
    return by_line | by_claim


def net_claims(
    claims: pd.DataFrame, products: pd.DataFrame, alloc: pd.DataFrame, answers: pd.DataFrame
) -> pd.DataFrame:
    out = rejected(
        claims, answers
    )  # a rejected line was not paid; a rejected credit cancels nothing
    debits = claims[claims["debet_credit"].eq("D") & ~out]
    credits = claims[
        claims["debet_credit"].eq("C") & claims["vorig_referentie_nummer"].notna() & ~out
    ]
    debit_keys = debits[["gemeente_code", "aanbieder_agb", "referentie_nummer"]].drop_duplicates()
    cancelled = (
        credits[["gemeente_code", "aanbieder_agb", "vorig_referentie_nummer"]]
        .merge(
            debit_keys,
            left_on=["gemeente_code", "aanbieder_agb", "vorig_referentie_nummer"],
            right_on=["gemeente_code", "aanbieder_agb", "referentie_nummer"],
        )[["gemeente_code", "aanbieder_agb", "referentie_nummer"]]
        .drop_duplicates()
    )
    key = ["gemeente_code", "aanbieder_agb", "referentie_nummer"]
    gone = pd.MultiIndex.from_frame(debits[key]).isin(pd.MultiIndex.from_frame(cancelled))
    net = debits[~gone].reset_index(drop=True)
    p = product_on(net, products, "begindatum")
    net["soort"] = p["soort"].to_numpy()
    net["contract_tarief_cents"] = p["tarief_cents"].to_numpy()
    net["maand"] = month_start(net["begindatum"])
    net["is_dag"] = net["begindatum"].eq(net["einddatum"])
    net["is_tijd"] = net["eenheid"].isin(["01", "04"])
    net["volume_vergelijkbaar"] = net["geleverd_volume"] * np.where(net["eenheid"].eq("04"), 60, 1)
    units = alloc[KEYS + ["eenheid"]].rename(columns={"eenheid": "toewijzing_eenheid"})
    net = net.merge(units, on=KEYS, how="left")
    net["eenheid_compatibel"] = (
        (
            net["eenheid"].eq(net["toewijzing_eenheid"])
            | (net["toewijzing_eenheid"].eq("04") & net["eenheid"].eq("01"))
        )
        .fillna(False)
        .astype(bool)
    )
    return net


# ---- 1. uitnutting ------------------------------------------------------------------------------
def counted(alloc: pd.DataFrame, net: pd.DataFrame) -> pd.DataFrame:
    """Claims that count for an allocation: its product (or category), compatible unit,
    begindatum inside the validity."""
    a = alloc[
        KEYS
        + ["product_categorie", "product_code", "ingangsdatum", "einddatum", "volume", "is_tijd"]
    ].rename(columns=lambda c: c if c in KEYS else "a_" + c)
    c = net[
        KEYS
        + [
            "referentie_nummer",
            "begindatum",
            "maand",
            "product_categorie",
            "product_code",
            "eenheid_compatibel",
            "volume_vergelijkbaar",
            "ingediend_bedrag_cents",
            "contract_tarief_cents",
            "product_tarief_cents",
        ]
    ]
    m = a.merge(c, on=KEYS)
    keep = (
        (
            m["eenheid_compatibel"]
            & m["product_categorie"].eq(m["a_product_categorie"])
            & (m["a_product_code"].isna() | m["product_code"].eq(m["a_product_code"]))
            & within(m["begindatum"], m["a_ingangsdatum"], m["a_einddatum"])
        )
        .fillna(False)
        .astype(bool)
    )
    m = m[keep].copy()
    m["hoeveelheid"] = np.where(
        m["a_volume"].isna(), m["ingediend_bedrag_cents"], m["volume_vergelijkbaar"]
    )
    m["tarief"] = m["contract_tarief_cents"].fillna(m["product_tarief_cents"])
    return m


def allocated(a: pd.DataFrame) -> pd.Series:
    return a["budget_cents"].where(a["volume"].isna(), a["toegewezen_totaal"])


def uitnutting_overschrijding(m: dict) -> pd.DataFrame:
    a = m["alloc"][m["alloc"]["in_scope"]].copy()
    a["toegewezen"] = allocated(a)
    c = counted(a, m["net"])
    c["cent_per_eenheid"] = np.where(
        c["a_volume"].isna(), 1.0, np.where(c["a_is_tijd"], c["tarief"] / 60.0, c["tarief"])
    )
    c = c.sort_values(KEYS + ["begindatum", "referentie_nummer"])
    c["cumulatief"] = c.groupby(KEYS)["hoeveelheid"].cumsum()
    c = c.merge(a[KEYS + ["toegewezen"]], on=KEYS)
    c["te_veel"] = (
        np.minimum(c["hoeveelheid"], np.maximum(c["cumulatief"] - c["toegewezen"], 0))
        * c["cent_per_eenheid"]
    )
    per = c.groupby(KEYS).agg(gedeclareerd=("hoeveelheid", "sum"), impact=("te_veel", "sum"))
    per = per.reset_index().merge(a, on=KEYS)
    per = per[per["gedeclareerd"] > per["toegewezen"]]
    evidence = ordered_lists(c[c["cumulatief"] > c["toegewezen"]], KEYS, "evidence")
    per = per.merge(evidence, on=KEYS, how="left")
    return finish(
        per.assign(
            period_start=per["ingangsdatum"],
            period_end=per["geldig_tot"],
            measured=per["gedeclareerd"].astype(float),
            threshold=per["toegewezen"].astype(float),
            unit=unit_of(per),
            impact_cents=round_half_up(per["impact"]),
        ),
        "uitnutting.overschrijding",
    )


def uitnutting_periode_overschrijding(m: dict) -> pd.DataFrame:
    alloc = m["alloc"]
    a = alloc[
        alloc["in_scope"] & alloc["frequentie"].isin(["1", "2", "4"]) & alloc["volume"].notna()
    ]
    c = counted(a, m["net"])
    c["cent_per_eenheid"] = c["tarief"] / np.where(c["a_is_tijd"], 60.0, 1.0)
    spans = (
        c[KEYS + ["maand"]]
        .drop_duplicates()
        .merge(
            a[KEYS + ["ingangsdatum", "einddatum", "frequentie", "volume", "minuten_per_eenheid"]],
            on=KEYS,
        )
    )
    end_of_month = month_end(spans["maand"])
    spans["span_start"] = np.maximum(spans["maand"], spans["ingangsdatum"])
    spans["span_end"] = np.minimum(end_of_month, spans["einddatum"].fillna(end_of_month))
    spans["perioden"] = np.select(
        [spans["frequentie"].eq("2"), spans["frequentie"].eq("4"), spans["frequentie"].eq("1")],
        [
            days(iso_week_start(spans["span_start"]), iso_week_start(spans["span_end"])) // 7 + 1,
            1,
            days(spans["span_start"], spans["span_end"]) + 1,
        ],
    )
    spans["maximum"] = spans["volume"] * spans["minuten_per_eenheid"] * spans["perioden"]
    by = KEYS + ["maand"]
    c = c.sort_values(by + ["begindatum", "referentie_nummer"])
    c["cumulatief"] = c.groupby(by)["hoeveelheid"].cumsum()
    c = c.merge(spans[by + ["maximum", "perioden"]], on=by)
    c["te_veel"] = (
        np.minimum(c["hoeveelheid"], np.maximum(c["cumulatief"] - c["maximum"], 0))
        * c["cent_per_eenheid"]
    )
    per = (
        c.groupby(by)
        .agg(
            gedeclareerd=("hoeveelheid", "sum"),
            impact=("te_veel", "sum"),
            maximum=("maximum", "first"),
        )
        .reset_index()
    )
    per = per[per["gedeclareerd"] > per["maximum"]].merge(a, on=KEYS)
    evidence = ordered_lists(c[c["cumulatief"] > c["maximum"]], by, "evidence")
    per = per.merge(evidence, on=by, how="left")
    return finish(
        per.assign(
            period_start=per["maand"],
            period_end=month_end(per["maand"]),
            measured=per["gedeclareerd"].astype(float),
            threshold=per["maximum"].astype(float),
            unit=unit_of(per, budget=False),
            impact_cents=round_half_up(per["impact"]),
        ),
        "uitnutting.periode_overschrijding",
    )


def uitnutting_prognose(m: dict) -> pd.DataFrame:
    peildatum = m["peildatum"]
    a = m["alloc"][m["alloc"]["in_scope"]].copy()
    a["toegewezen"] = allocated(a)
    c = counted(a, m["net"])
    claimed = c.groupby(KEYS)["hoeveelheid"].sum().rename("totaal_gedeclareerd").reset_index()
    a = a.merge(claimed, on=KEYS, how="left")
    a["totaal_gedeclareerd"] = a["totaal_gedeclareerd"].fillna(0)
    whole = a.assign(
        is_jaar=False,
        period_start=a["ingangsdatum"],
        period_end=a["geldig_tot"],
        segment_start=a["ingangsdatum"],
        segment_end=a["geldig_tot"],
        dagen=a["geldigheid_dagen"],
        verstreken=a["verstreken_dagen"],
        aandeel=1.0,
    )
    year_start = pd.Timestamp(peildatum.year, 1, 1)
    year_end = pd.Timestamp(peildatum.year, 12, 31)
    y = a[(a["ingangsdatum"] < year_start) & (a["geldig_tot"] >= year_start)].copy()
    y["segment_end"] = y["geldig_tot"].clip(upper=year_end)
    y["dagen"] = days(pd.Series(year_start, index=y.index), y["segment_end"]) + 1
    y = y.assign(
        is_jaar=True,
        period_start=year_start,
        period_end=year_end,
        segment_start=year_start,
        verstreken=(y["segment_end"].clip(upper=pd.Timestamp(peildatum)) - year_start).dt.days + 1,
        aandeel=y["dagen"] / y["geldigheid_dagen"],
    )
    seg = pd.concat([whole, y], ignore_index=True)
    seg = seg[seg["toegewezen"] > 0].assign(_seg=lambda s: np.arange(len(s)))
    seg["deel"] = seg["toegewezen"] * seg["aandeel"]
    hits = seg[KEYS + ["_seg", "segment_start", "segment_end"]].merge(
        c[KEYS + ["begindatum", "referentie_nummer", "hoeveelheid"]], on=KEYS
    )
    hits = hits[
        (hits["begindatum"] >= hits["segment_start"]) & (hits["begindatum"] <= hits["segment_end"])
    ]
    sums = hits.groupby("_seg")["hoeveelheid"].sum().rename("gedeclareerd")
    seg = seg.merge(sums, left_on="_seg", right_index=True, how="left")
    seg["gedeclareerd"] = seg["gedeclareerd"].fillna(0)
    params = m["params"][["gemeente_code", "min_verstreken", "prognose_drempel"]]
    seg = seg.merge(params, on="gemeente_code")
    seg["fractie"] = seg["verstreken"] / seg["dagen"]
    seg["benut"] = seg["gedeclareerd"] / seg["deel"]
    seg["tempo"] = seg["benut"] / seg["fractie"]
    flagged = seg[
        ~(seg["totaal_gedeclareerd"] >= seg["toegewezen"])
        & (seg["fractie"].round(9) >= seg["min_verstreken"])
        & (seg["benut"] < 1)
        & (seg["tempo"].round(9) >= seg["prognose_drempel"])
    ]
    evidence = ordered_lists(hits[hits["_seg"].isin(flagged["_seg"])], ["_seg"], "evidence")
    flagged = flagged.merge(evidence, on="_seg", how="left")
    flagged["evidence"] = [e if isinstance(e, list) else [] for e in flagged["evidence"]]
    return finish(
        flagged.assign(
            measured=flagged["tempo"],
            threshold=flagged["prognose_drempel"],
            unit="verhouding",
            impact_cents=0,
        ),
        "uitnutting.prognose",
    )


def uitnutting_onderbenutting(m: dict) -> pd.DataFrame:
    a = m["alloc"][m["alloc"]["in_scope"]].copy()
    a["toegewezen"] = allocated(a)
    c = counted(a, m["net"])
    totals = c.groupby(KEYS)["hoeveelheid"].sum().rename("gedeclareerd").reset_index()
    a = a.merge(totals, on=KEYS, how="left")
    a["gedeclareerd"] = a["gedeclareerd"].fillna(0)
    a["tempo"] = a["gedeclareerd"] / a["toegewezen"] / a["f"]
    a = a.merge(m["params"][["gemeente_code", "onderbenutting_drempel"]], on="gemeente_code")
    flagged = a[
        (a["toegewezen"] > 0)
        & (a["f"].round(9) >= 0.5)
        & (a["tempo"].round(9) < a["onderbenutting_drempel"])
    ]
    evidence = ordered_lists(c.merge(flagged[KEYS], on=KEYS), KEYS, "evidence")
    flagged = flagged.merge(evidence, on=KEYS, how="left")
    flagged["evidence"] = [e if isinstance(e, list) else [] for e in flagged["evidence"]]
    return finish(
        flagged.assign(
            period_start=flagged["ingangsdatum"],
            period_end=flagged["geldig_tot"],
            measured=flagged["tempo"],
            threshold=flagged["onderbenutting_drempel"],
            unit="verhouding",
            impact_cents=0,
        ),
        "uitnutting.onderbenutting",
    )


# ---- 4. vervoer ---------------------------------------------------------------------------------
CLAIM_GROUP = ["gemeente_code", "aanbieder_agb", "toewijzing_nummer", "client_key", "begindatum"]


def distances(m: dict) -> pd.DataFrame:
    """Last delivered row per client_key + aanbieder."""
    r = m["reisafstanden"].sort_values("_volgnr")
    return r.drop_duplicates(["client_key", "aanbieder_agb"], keep="last").drop(columns="_volgnr")


def effective_km(t: pd.DataFrame) -> pd.DataFrame:
    rounding = t["vervoer_km_afronden"].fillna(False).astype(bool)
    t["km_reis"] = np.where(rounding, np.floor(t["enkele_reis_km"] + 0.5), t["enkele_reis_km"])
    alt = t["km_dichtstbijzijnde_passende_locatie"]
    t["km_alternatief"] = np.where(rounding, np.floor(alt + 0.5), alt)
    t["via_alternatief"] = (
        ((t["km_reis"] > t["max_km_passend"]) & (t["km_alternatief"] < t["km_reis"]))
        .fillna(False)
        .astype(bool)
    )
    t["km_effectief"] = np.where(t["via_alternatief"], t["km_alternatief"], t["km_reis"])
    return t


CLAIM_COLUMNS = [
    "gemeente_code",
    "aanbieder_agb",
    "toewijzing_nummer",
    "client_key",
    "referentie_nummer",
    "product_code",
    "begindatum",
    "einddatum",
    "is_dag",
    "geleverd_volume",
    "ingediend_bedrag_cents",
    "soort",
]


def transport_claims(m: dict) -> pd.DataFrame:
    net = m["net"]
    t = net.loc[net["soort"].isin(TRANSPORT), CLAIM_COLUMNS].copy()
    t["rolstoel_product"] = t["soort"].eq("vervoer_rolstoel")
    return t


def vervoer_staffel_te_hoog(m: dict) -> pd.DataFrame:
    params = m["params"][["gemeente_code", "max_km_passend", "vervoer_km_afronden"]]
    t = (
        transport_claims(m)
        .merge(distances(m), on=["client_key", "aanbieder_agb"])
        .merge(params, on="gemeente_code")
    )
    t = effective_km(t)
    st = m["vervoer_staffels"]
    s = st.rename(columns=lambda c: c if c in ("gemeente_code", "product_code") else "s_" + c)
    t = t.merge(s, on=["gemeente_code", "product_code"])
    t = t[within(t["begindatum"], t["s_geldig_van"], t["s_geldig_tot"])]
    k = st.rename(columns=lambda c: c if c == "gemeente_code" else "k_" + c)
    k = k.rename(columns={"k_rolstoel": "rolstoel_product"})
    t = t.merge(k, on=["gemeente_code", "rolstoel_product"])
    t = t[
        within(t["begindatum"], t["k_geldig_van"], t["k_geldig_tot"])
        & (t["km_effectief"] >= t["k_km_van"])
        & (t["km_effectief"] < t["k_km_tot"])
        & (t["s_km_van"] > t["k_km_van"])
    ]
    t["impact"] = np.maximum(t["s_tarief_cents"] - t["k_tarief_cents"], 0) * t["geleverd_volume"]
    per = (
        t.groupby(CLAIM_GROUP)
        .agg(
            period_end=("einddatum", "max"),
            measured=("km_effectief", "first"),
            threshold=("s_km_van", "min"),
            impact_cents=("impact", "sum"),
        )
        .reset_index()
    )
    per = per.merge(sorted_lists(t, CLAIM_GROUP, "referentie_nummer", "evidence"), on=CLAIM_GROUP)
    return finish(
        per.assign(
            period_start=per["begindatum"],
            unit="km",
            measured=per["measured"].astype(float),
            threshold=per["threshold"].astype(float),
        ),
        "vervoer.staffel_te_hoog",
    )


def vervoer_rolstoel_onterecht(m: dict) -> pd.DataFrame:
    net = m["net"]
    w = net.loc[net["soort"].eq("vervoer_rolstoel"), CLAIM_COLUMNS].merge(
        distances(m)[["client_key", "aanbieder_agb", "rolstoel"]],
        on=["client_key", "aanbieder_agb"],
    )
    w = w[w["rolstoel"].eq(False)]
    st = m["vervoer_staffels"]
    s = st.rename(columns=lambda c: c if c in ("gemeente_code", "product_code") else "s_" + c)
    w = left_join_where(
        w,
        s,
        ["gemeente_code", "product_code"],
        lambda x: within(x["begindatum"], x["s_geldig_van"], x["s_geldig_tot"]),
    )
    r = st[~st["rolstoel"]].rename(columns=lambda c: c if c == "gemeente_code" else "r_" + c)
    w = left_join_where(
        w,
        r,
        ["gemeente_code"],
        lambda x: (
            within(x["begindatum"], x["r_geldig_van"], x["r_geldig_tot"])
            & (x["s_km_van"] >= x["r_km_van"])
            & (x["s_km_van"] < x["r_km_tot"])
        ),
    )
    w["impact"] = (
        np.maximum((w["s_tarief_cents"] - w["r_tarief_cents"]).fillna(0), 0) * w["geleverd_volume"]
    )
    per = (
        w.groupby(CLAIM_GROUP)
        .agg(
            period_end=("einddatum", "max"),
            measured=("geleverd_volume", "sum"),
            impact_cents=("impact", "sum"),
        )
        .reset_index()
    )
    per = per.merge(sorted_lists(w, CLAIM_GROUP, "referentie_nummer", "evidence"), on=CLAIM_GROUP)
    return finish(
        per.assign(
            period_start=per["begindatum"],
            threshold=0.0,
            unit="retourritten",
            measured=per["measured"].astype(float),
            impact_cents=per["impact_cents"].astype("int64"),
        ),
        "vervoer.rolstoel_onterecht",
    )


def vervoer_buiten_staffel(m: dict) -> pd.DataFrame:
    params = m["params"][["gemeente_code", "max_km_passend", "vervoer_km_afronden"]]
    d = distances(m).assign(afstand_bekend=True)
    t = transport_claims(m).merge(d, on=["client_key", "aanbieder_agb"], how="left")
    t["afstand_bekend"] = t["afstand_bekend"].fillna(False).astype(bool)
    t = effective_km(t.merge(params, on="gemeente_code")).reset_index(drop=True)
    t["_row"] = np.arange(len(t))
    st = m["vervoer_staffels"].rename(columns=lambda c: c if c == "gemeente_code" else "s_" + c)
    st = st.rename(columns={"s_rolstoel": "rolstoel_product"})
    b = left_join_where(
        t[["_row", "gemeente_code", "rolstoel_product", "begindatum", "km_effectief"]],
        st,
        ["gemeente_code", "rolstoel_product"],
        lambda x: within(x["begindatum"], x["s_geldig_van"], x["s_geldig_tot"]),
    )
    b["in_band"] = (b["km_effectief"] >= b["s_km_van"]) & (b["km_effectief"] < b["s_km_tot"])
    bands = b.groupby("_row").agg(staffel_tot=("s_km_tot", "max"), in_staffel=("in_band", "any"))
    t = t.merge(bands, left_on="_row", right_index=True)
    out = t[~t["afstand_bekend"] | ~t["in_staffel"]]
    per = (
        out.groupby(CLAIM_GROUP)
        .agg(
            period_end=("einddatum", "max"),
            measured=("km_effectief", "first"),
            threshold=("staffel_tot", "max"),
        )
        .reset_index()
    )
    per = per.merge(sorted_lists(out, CLAIM_GROUP, "referentie_nummer", "evidence"), on=CLAIM_GROUP)
    return finish(
        per.assign(period_start=per["begindatum"], unit="km", impact_cents=0),
        "vervoer.buiten_staffel",
    )


def _keep_largest(signals: pd.DataFrame) -> pd.DataFrame:
    """Per toewijzing and period_start the signal with the largest impact (then period_end)."""
    return signals.sort_values(["impact_cents", "period_end"], ascending=False).drop_duplicates(
        ["gemeente_code", "toewijzing_nummer", "period_start"]
    )


ALLOCATION_GROUP = ["gemeente_code", "aanbieder_agb", "toewijzing_nummer", "client_key"]


def _allocation_periods(transport: pd.DataFrame) -> pd.DataFrame:
    lines = transport[~transport["is_dag"]]
    by = ALLOCATION_GROUP + ["begindatum", "einddatum"]
    per = lines.groupby(by).agg(bedrag_cents=("ingediend_bedrag_cents", "sum")).reset_index()
    return per.merge(sorted_lists(lines, by, "referentie_nummer", "evidence"), on=by)


def vervoer_meer_dan_een_per_dag(m: dict) -> pd.DataFrame:
    t = transport_claims(m)
    day_lines = t[t["is_dag"]]
    per_alloc = (
        day_lines.groupby(ALLOCATION_GROUP + ["begindatum"])
        .agg(bedrag_cents=("ingediend_bedrag_cents", "sum"))
        .reset_index()
    )
    per_client = (
        day_lines.groupby(["client_key", "begindatum"])
        .agg(ritten=("geleverd_volume", "sum"))
        .reset_index()
    )
    per_client = per_client[per_client["ritten"] > 1]
    per_client = per_client.merge(
        sorted_lists(
            day_lines.merge(per_client[["client_key", "begindatum"]]),
            ["client_key", "begindatum"],
            "referentie_nummer",
            "evidence",
        ),
        on=["client_key", "begindatum"],
    )
    day = per_alloc.merge(per_client, on=["client_key", "begindatum"])
    day = day.assign(
        period_start=day["begindatum"],
        period_end=day["begindatum"],
        measured=day["ritten"].astype(float),
        threshold=1.0,
        impact_cents=round_half_up(day["bedrag_cents"] * (day["ritten"] - 1) / day["ritten"]),
    )
    periods = (
        t[~t["is_dag"]]
        .groupby(["client_key", "begindatum", "einddatum"])
        .agg(ritten=("geleverd_volume", "sum"))
        .reset_index()
    )
    inside = periods.merge(
        day_lines[["client_key", "begindatum", "geleverd_volume", "referentie_nummer"]].rename(
            columns={"begindatum": "dag"}
        ),
        on="client_key",
    )
    inside = inside[
        (inside["dag"] >= inside["begindatum"]) & (inside["dag"] <= inside["einddatum"])
    ]
    pkey = ["client_key", "begindatum", "einddatum"]
    extra = inside.groupby(pkey)["geleverd_volume"].sum().rename("dag_ritten").reset_index()
    extra = extra.merge(sorted_lists(inside, pkey, "referentie_nummer", "dag_evidence"), on=pkey)
    totals = periods.merge(extra, on=pkey, how="left")
    totals["ritten"] = totals["ritten"] + totals["dag_ritten"].fillna(0)
    totals["dagen"] = days(totals["begindatum"], totals["einddatum"]) + 1
    totals = totals[totals["ritten"] > totals["dagen"]]
    period = _allocation_periods(t).merge(totals, on=pkey)
    period = period.assign(
        period_start=period["begindatum"],
        period_end=period["einddatum"],
        measured=period["ritten"].astype(float),
        threshold=period["dagen"].astype(float),
        impact_cents=round_half_up(
            period["bedrag_cents"] * (period["ritten"] - period["dagen"]) / period["ritten"]
        ),
        evidence=[
            a + (b if isinstance(b, list) else [])
            for a, b in zip(period["evidence"], period["dag_evidence"], strict=True)
        ],
    )
    both = pd.concat([day, period], ignore_index=True)
    return finish(_keep_largest(both).assign(unit="retourritten"), "vervoer.meer_dan_een_per_dag")


def vervoer_zonder_dagbesteding(m: dict) -> pd.DataFrame:
    net = m["net"]
    t = transport_claims(m)
    db = net[net["soort"].eq("dagbesteding")][
        ["client_key", "begindatum", "einddatum", "is_dag", "geleverd_volume"]
    ]
    db_days = expand_days(db, "begindatum", "einddatum")[["client_key", "dag"]].drop_duplicates()
    day_lines = t[t["is_dag"]]
    by = ALLOCATION_GROUP + ["begindatum"]
    tdays = (
        day_lines.groupby(by)
        .agg(ritten=("geleverd_volume", "sum"), bedrag_cents=("ingediend_bedrag_cents", "sum"))
        .reset_index()
    )
    tdays = tdays.merge(sorted_lists(day_lines, by, "referentie_nummer", "evidence"), on=by)
    tdays = tdays.merge(
        db_days.rename(columns={"dag": "begindatum"}).assign(gedekt=True),
        on=["client_key", "begindatum"],
        how="left",
    )
    tdays["gedekt"] = tdays["gedekt"].fillna(False).astype(bool)
    day = tdays[~tdays["gedekt"]]
    day = day.assign(
        period_start=day["begindatum"],
        period_end=day["begindatum"],
        measured=day["ritten"].astype(float),
        threshold=0.0,
        impact_cents=day["bedrag_cents"],
    )
    covered = tdays[tdays["gedekt"]][["client_key", "begindatum"]].drop_duplicates()
    covered = covered.rename(columns={"begindatum": "dag"})
    pkey = ["client_key", "begindatum", "einddatum"]
    periods = t[~t["is_dag"]].groupby(pkey).agg(ritten=("geleverd_volume", "sum")).reset_index()
    dl = periods.merge(
        db[db["is_dag"]][["client_key", "begindatum"]].rename(columns={"begindatum": "dag"}),
        on="client_key",
    )
    dl = dl[(dl["dag"] >= dl["begindatum"]) & (dl["dag"] <= dl["einddatum"])]
    dl = dl.groupby(pkey)["dag"].nunique().rename("dl").reset_index()
    pl_ = periods.merge(
        db[~db["is_dag"]].rename(columns={"begindatum": "d_begin", "einddatum": "d_eind"})[
            ["client_key", "d_begin", "d_eind", "geleverd_volume"]
        ],
        on="client_key",
    )
    pl_ = pl_[(pl_["d_begin"] <= pl_["einddatum"]) & (pl_["d_eind"] >= pl_["begindatum"])]
    pl_["overlap"] = np.minimum(
        pl_["geleverd_volume"],
        days(
            np.maximum(pl_["begindatum"], pl_["d_begin"]),
            np.minimum(pl_["einddatum"], pl_["d_eind"]),
        )
        + 1,
    )
    pl_ = pl_.groupby(pkey)["overlap"].sum().rename("pl").reset_index()
    used = periods.merge(covered, on="client_key")
    used = used[(used["dag"] >= used["begindatum"]) & (used["dag"] <= used["einddatum"])]
    used = used.groupby(pkey).size().rename("gebruikt").reset_index()
    bal = (
        periods.merge(dl, on=pkey, how="left")
        .merge(pl_, on=pkey, how="left")
        .merge(used, on=pkey, how="left")
    )
    bal["db_dagen"] = np.minimum(
        days(bal["begindatum"], bal["einddatum"]) + 1,
        bal["dl"].fillna(0) + bal["pl"].fillna(0),
    )
    bal["gebruikt"] = bal["gebruikt"].fillna(0)
    bal["beschikbaar"] = np.maximum(bal["db_dagen"] - bal["gebruikt"], 0)
    bal = bal[bal["ritten"] > bal["beschikbaar"]]
    bal["teveel"] = bal["ritten"] - bal["beschikbaar"]
    period = _allocation_periods(t).merge(bal, on=pkey)
    period = period.assign(
        period_start=period["begindatum"],
        period_end=period["einddatum"],
        measured=period["ritten"].astype(float),
        threshold=period["beschikbaar"].astype(float),
        impact_cents=round_half_up(period["bedrag_cents"] * period["teveel"] / period["ritten"]),
    )
    both = pd.concat([day, period], ignore_index=True)
    return finish(_keep_largest(both).assign(unit="retourritten"), "vervoer.zonder_dagbesteding")


# ---- 5. beschermd wonen: afwezigheid ------------------------------------------------------------
LINE = [
    "gemeente_code",
    "aanbieder_agb",
    "toewijzing_nummer",
    "client_key",
    "maand",
    "referentie_nummer",
]


def bw_claim_days(m: dict) -> pd.DataFrame:
    net = m["net"]
    bw = net[net["soort"].eq("bw")].copy()
    bw["tarief_cents"] = bw["contract_tarief_cents"].fillna(bw["product_tarief_cents"])
    cols = LINE + ["geleverd_volume", "tarief_cents", "begindatum", "einddatum"]
    return expand_days(bw[cols], "begindatum", "einddatum")


def absences(m: dict) -> pd.DataFrame:
    a = m["afwezigheden"].copy()
    a["toegestaan"] = (
        a["reden"].isin(["ggz_opname", "detentie"])
        & a["terugkeer_beoogd"].fillna(False).astype(bool)
        & ~a["andere_financiering"].fillna(False).astype(bool)
    )
    return a


def days_in_absences(claim_days: pd.DataFrame, absent: pd.DataFrame) -> pd.DataFrame:
    a = absent.rename(columns={"begindatum": "a_begin", "einddatum": "a_eind"})
    hit = claim_days.drop(columns=["begindatum", "einddatum"]).merge(a, on="client_key")
    return hit[within(hit["dag"], hit["a_begin"], hit["a_eind"])]


def _bw_months(hit: pd.DataFrame) -> pd.DataFrame:
    """Flagged (claim line, day, absence) rows -> per claim line (a day counts once, at most
    geleverd_volume days) -> one signal per toewijzing and month."""
    per_day = hit.drop_duplicates(LINE + ["dag"])
    lines = (
        per_day.groupby(LINE)
        .agg(
            n=("dag", "size"),
            geleverd_volume=("geleverd_volume", "first"),
            tarief_cents=("tarief_cents", "first"),
            eerste_dag=("dag", "min"),
            laatste_dag=("dag", "max"),
        )
        .reset_index()
    )
    lines["dagen"] = np.minimum(lines["n"], lines["geleverd_volume"])
    lines["bedrag_cents"] = lines["dagen"] * lines["tarief_cents"]
    lines = lines[lines["dagen"] > 0]
    month = LINE[:-1]
    per = (
        lines.groupby(month)
        .agg(
            period_start=("eerste_dag", "min"),
            period_end=("laatste_dag", "max"),
            dagen=("dagen", "sum"),
            bedrag_cents=("bedrag_cents", "sum"),
        )
        .reset_index()
    )
    refs = sorted_lists(lines, month, "referentie_nummer", "referenties")
    ids = sorted_lists(hit.merge(lines[LINE], on=LINE), month, "afwezigheid_id", "ids")
    per = per.merge(refs, on=month).merge(ids, on=month)
    return per.assign(
        measured=per["dagen"].astype(float),
        threshold=0.0,
        unit="dagen",
        impact_cents=round_half_up(per["bedrag_cents"]),
        evidence=[r + i for r, i in zip(per["referenties"], per["ids"], strict=True)],
    )


def bw_niet_declarabel(m: dict) -> pd.DataFrame:
    a = absences(m)
    hit = days_in_absences(m["bw_days"], a[~a["toegestaan"]])
    return finish(_bw_months(hit), "bw_afwezigheid.niet_declarabel")


def bw_langer_dan_6_maanden(m: dict) -> pd.DataFrame:
    a = absences(m)
    params = m["params"][["gemeente_code", "max_maanden", "bw_afwezigheid_lezing"]]
    claim_days = m["bw_days"].merge(params, on="gemeente_code")
    blocked = (
        days_in_absences(claim_days, a[~a["toegestaan"]])[["referentie_nummer", "dag"]]
        .drop_duplicates()
        .assign(_blocked=True)
    )
    hit = days_in_absences(claim_days, a[a["toegestaan"]])
    hit = hit.merge(blocked, on=["referentie_nummer", "dag"], how="left")
    hit = hit[hit["_blocked"].isna()].copy()
    hit["grens"] = add_months(hit["a_begin"], hit["max_maanden"].astype(int))
    last_day = hit["a_eind"].fillna(pd.Timestamp(m["peildatum"]))
    hit = hit[
        (hit["dag"] >= hit["grens"])
        | (hit["bw_afwezigheid_lezing"].eq("streng") & (last_day >= hit["grens"]))
    ]
    return finish(_bw_months(hit), "bw_afwezigheid.langer_dan_6_maanden")


def bw_nadert_6_maanden(m: dict) -> pd.DataFrame:
    peil = pd.Timestamp(m["peildatum"])
    a = absences(m)
    a = a[a["toegestaan"] & (a["einddatum"].isna() | (a["einddatum"] >= peil))]
    alloc = m["alloc"]
    t = alloc[
        alloc["in_scope"]
        & alloc["soort"].isin(["bw", "categorie:15"])
        & (alloc["einddatum"].isna() | (alloc["einddatum"] >= peil))
    ][["gemeente_code", "aanbieder_agb", "toewijzing_nummer", "client_key"]]
    x = (
        a[["afwezigheid_id", "client_key", "begindatum"]]
        .merge(t, on="client_key")
        .merge(m["params"][["gemeente_code", "max_maanden", "nadert_maanden"]], on="gemeente_code")
    )
    x["grens"] = add_months(x["begindatum"], x["max_maanden"].astype(int))
    x = x[
        (add_months(x["begindatum"], x["nadert_maanden"].astype(int)) <= peil) & (peil < x["grens"])
    ]
    return finish(
        x.assign(
            period_start=x["begindatum"],
            period_end=x["grens"] - DAY,
            measured=(days(x["begindatum"], pd.Series(peil, index=x.index)) + 1).astype(float),
            threshold=days(x["begindatum"], x["grens"]).astype(float),
            unit="dagen",
            impact_cents=0,
            evidence=[[i] for i in x["afwezigheid_id"]],
        ),
        "bw_afwezigheid.nadert_6_maanden",
    )


RULES: dict[str, Callable[[dict], pd.DataFrame]] = {
    "uitnutting.overschrijding": uitnutting_overschrijding,
    "uitnutting.periode_overschrijding": uitnutting_periode_overschrijding,
    "uitnutting.prognose": uitnutting_prognose,
    "uitnutting.onderbenutting": uitnutting_onderbenutting,
    "vervoer.staffel_te_hoog": vervoer_staffel_te_hoog,
    "vervoer.rolstoel_onterecht": vervoer_rolstoel_onterecht,
    "vervoer.buiten_staffel": vervoer_buiten_staffel,
    "vervoer.zonder_dagbesteding": vervoer_zonder_dagbesteding,
    "vervoer.meer_dan_een_per_dag": vervoer_meer_dan_een_per_dag,
    "bw_afwezigheid.niet_declarabel": bw_niet_declarabel,
    "bw_afwezigheid.langer_dan_6_maanden": bw_langer_dan_6_maanden,
    "bw_afwezigheid.nadert_6_maanden": bw_nadert_6_maanden,
}


def run_reference(landing: Path, peildatum: str, signals_path: Path) -> dict:
    """Read, model, run every rule; write the signals as Parquet; return the timings."""
    peil = pd.Timestamp(date.fromisoformat(peildatum))
    start = time.perf_counter()
    tables = load(landing)
    read_seconds = time.perf_counter() - start
    start = time.perf_counter()
    alloc = allocations_model(tables["toewijzingen"], tables["producten"], peil)
    net = net_claims(
        tables["declaraties"], tables["producten"], alloc, tables["declaratie_antwoorden"]
    )
    del tables["declaraties"]  # only the net claims are used from here on
    model = {
        **tables,
        "alloc": alloc,
        "net": net,
        "params": tables["regelparameters"],
        "peildatum": peil,
    }
    model["bw_days"] = bw_claim_days(model)
    model_seconds = time.perf_counter() - start
    rule_seconds, frames = {}, []
    for rule_id, func in RULES.items():
        start = time.perf_counter()
        frames.append(func(model))
        rule_seconds[rule_id] = time.perf_counter() - start
    signals = pd.concat(frames, ignore_index=True)
    for col in ("period_start", "period_end"):
        signals[col] = pd.to_datetime(signals[col]).dt.date
    signals["impact_cents"] = signals["impact_cents"].astype("Int64")
    signals["evidence"] = [list(e) if isinstance(e, list) else [] for e in signals["evidence"]]
    signals.to_parquet(signals_path, index=False)
    return {
        "read_seconds": read_seconds,
        "model_seconds": model_seconds,
        "rule_seconds": rule_seconds,
        "seconds": model_seconds + sum(rule_seconds.values()),
        "signals": {r: int((signals["rule_id"] == r).sum()) for r in RULES},
    }
