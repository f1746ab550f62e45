-- rule: kortdurend_verblijf.max_etmalen
-- title: Meer etmalen kortdurend verblijf dan maximaal per jaar of per week
-- source: seed 002 kortdurend verblijf (lines 465, 495: "maximaal aantal etmalen per kalenderjaar
--   bedraagt 156 etmalen (52 x 3 gemiddeld)"); seed 004 §5.8.6 (lines 1471-1637: "maximaal drie
--   etmalen per week gedurende een kalenderjaar"); RULES.md §6
-- uitleg: Kortdurend verblijf is begrensd tot 156 etmalen per kalenderjaar, en waar de gemeente dat bepaalt tot een aantal per week.
-- actie: crediteren
-- grondslag: Beleidsregels Jeugdhulp en Wmo 2026 gemeente Geldrop-Mierlo, kortdurend verblijf (156 etmalen per jaar); Beleidsregels maatschappelijke ondersteuning 2017 gemeente Drechterland, §5.8.6 (3 etmalen per week)
-- severity: midden
-- version: 1
-- reads: models.declaraties_netto, staging.regelparameters
-- reading: net claim lines of soort kortdurend_verblijf in etmalen (eenheid 14), per client
--   (client_key) and gemeente (parameters of that gemeente), over all providers and allocations.
--   Year check: etmalen of the lines whose begindatum falls in the calendar year >
--   max_etmalen_per_jaar (period 1 January - 31 December). Week check, only where
--   max_etmalen_per_week is set: etmalen of the lines whose period lies inside one ISO week > that
--   maximum (period Monday - Sunday); a period line spanning more than one ISO week cannot be
--   placed in a week and is left out of the week check. Each finding names every toewijzing whose
--   lines count in it; excess = total - maximum, impact per toewijzing = its amount x excess /
--   total, half up. Should 1 January be a Monday and both checks fire for one toewijzing, the two
--   share a key and the one with the larger impact is kept.
with claim_lines as (
    select * from models.declaraties_netto
    where soort = 'kortdurend_verblijf' and eenheid = '14'
),

parameters as (
    select gemeente_code, max_etmalen_per_jaar, max_etmalen_per_week from staging.regelparameters
),

lines as (
    select
        c.*,
        p.max_etmalen_per_jaar,
        p.max_etmalen_per_week,
        cast(date_trunc('year', c.begindatum) as date) as jaar,
        if(
            iso_week_start(c.begindatum) = iso_week_start(c.einddatum),
            iso_week_start(c.begindatum),
            null
        ) as week
    from claim_lines as c
    inner join parameters as p using (gemeente_code)
),

year_totals as (
    select
        gemeente_code,
        client_key,
        jaar as period_start,
        cast(jaar + interval 1 year - interval 1 day as date) as period_end,
        sum(geleverd_volume) as etmalen,
        any_value(max_etmalen_per_jaar) as maximum
    from lines
    group by gemeente_code, client_key, jaar
    having sum(geleverd_volume) > any_value(max_etmalen_per_jaar)
),

week_totals as (
    select
        gemeente_code,
        client_key,
        week as period_start,
        cast(week + 6 as date) as period_end,
        sum(geleverd_volume) as etmalen,
        any_value(max_etmalen_per_week) as maximum
    from lines
    where week is not null and max_etmalen_per_week is not null
    group by gemeente_code, client_key, week
    having sum(geleverd_volume) > any_value(max_etmalen_per_week)
),

year_rows as (
    select
        l.gemeente_code,
        l.aanbieder_agb,
        l.toewijzing_nummer,
        l.client_key,
        y.period_start,
        y.period_end,
        y.etmalen,
        y.maximum,
        'per kalenderjaar' as per,
        'in ' || year(y.period_start) as wanneer,
        sum(l.geleverd_volume) as eigen_etmalen,
        round_half_up(sum(l.ingediend_bedrag_cents) * (y.etmalen - y.maximum) / y.etmalen)
            as impact_cents,
        list(l.referentie_nummer order by l.referentie_nummer) as evidence
    from lines as l
    inner join year_totals as y
        on l.gemeente_code = y.gemeente_code and l.client_key = y.client_key and l.jaar = y.period_start
    group by
        l.gemeente_code, l.aanbieder_agb, l.toewijzing_nummer, l.client_key,
        y.period_start, y.period_end, y.etmalen, y.maximum
),

week_rows as (
    select
        l.gemeente_code,
        l.aanbieder_agb,
        l.toewijzing_nummer,
        l.client_key,
        w.period_start,
        w.period_end,
        w.etmalen,
        w.maximum,
        'per week' as per,
        'in de week van ' || fmt_datum(w.period_start) || ' t/m ' || fmt_datum(w.period_end)
            as wanneer,
        sum(l.geleverd_volume) as eigen_etmalen,
        round_half_up(sum(l.ingediend_bedrag_cents) * (w.etmalen - w.maximum) / w.etmalen)
            as impact_cents,
        list(l.referentie_nummer order by l.referentie_nummer) as evidence
    from lines as l
    inner join week_totals as w
        on l.gemeente_code = w.gemeente_code and l.client_key = w.client_key and l.week = w.period_start
    group by
        l.gemeente_code, l.aanbieder_agb, l.toewijzing_nummer, l.client_key,
        w.period_start, w.period_end, w.etmalen, w.maximum
),

all_rows as (
    select * from year_rows
    union all
    select * from week_rows
)

select
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    client_key,
    period_start,
    period_end,
    cast(etmalen as double) as measured,
    cast(maximum as double) as threshold,
    'etmalen' as unit,
    impact_cents,
    evidence,
    'Voor de cliënt zijn ' || wanneer || ' ' || fmt_num(etmalen, 0)
    || ' etmalen kortdurend verblijf gedeclareerd, meer dan de ' || fmt_num(maximum, 0)
    || ' etmalen '
    || per || '; ' || fmt_num(etmalen - maximum, 0) || if(etmalen - maximum = 1, ' etmaal', ' etmalen')
    || ' te veel, waarvan ' || fmt_eur(impact_cents) || ' op toewijzing ' || toewijzing_nummer
    || ' (' || fmt_num(eigen_etmalen, 0) || if(eigen_etmalen = 1, ' etmaal).', ' etmalen).') as message
from all_rows
qualify row_number() over (
    partition by gemeente_code, toewijzing_nummer, period_start order by impact_cents desc, per
) = 1
