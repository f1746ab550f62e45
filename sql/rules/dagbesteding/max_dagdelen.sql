-- rule: dagbesteding.max_dagdelen
-- title: Meer dagdelen dagbesteding dan maximaal per week of per dag
-- source: seed 002 §5.2 dagbesteding (lines 4621-4627 "maximaal 7 dagdelen per week"), productkaarten
--   Dagbesteding 1 en 2 (lines 5150-5162, 5246, 5328: dagdelen van drie uur, twee dagdelen op één
--   dag, "maximaal 7 dagdelen per week"); RULES.md §6
-- uitleg: Per cliënt zijn maximaal 7 dagdelen dagbesteding per week en 2 per dag declarabel; de dagdelen daarboven niet.
-- actie: crediteren
-- grondslag: Beleidsregels Jeugdhulp en Wmo 2026 gemeente Geldrop-Mierlo, §5.2 en productkaarten Dagbesteding 1 en 2 (maximaal 7 dagdelen per week)
-- severity: midden
-- version: 1
-- reads: models.declaraties_netto, staging.regelparameters
-- reading: net claim lines of soort dagbesteding in dagdelen (eenheid 16), per client (client_key)
--   and gemeente (parameters max_dagdelen_per_week, max_dagdelen_per_dag of that gemeente), over
--   all providers and allocations. Week check: lines whose period lies inside one ISO week (day
--   lines, or a period line within the week). Day check: day lines. A period line spanning more
--   than one ISO week cannot be placed in a week and is left out. One finding per client and ISO
--   week (period_start = the Monday, period_end = the Sunday) when the week total exceeds the
--   weekly maximum or any day in it exceeds the daily maximum; it names every toewijzing whose
--   lines contribute (all the week's lines when the week is exceeded, else the day lines of the
--   days over the maximum). Excess = greatest(week total - weekly max, sum of day excesses); impact
--   per toewijzing = its amount in the contributing lines x excess / contributing dagdelen, half
--   up. measured/threshold: week total vs weekly max when the week is exceeded, else the highest
--   day total vs daily max.
with claim_lines as not materialized (
    select * from models.declaraties_netto
    where soort = 'dagbesteding' and eenheid = '16'
),

parameters as (
    select gemeente_code, max_dagdelen_per_week, max_dagdelen_per_dag from staging.regelparameters
),

week_lines as not materialized (
    -- re-read by three CTEs: not copied (with every claim column) into a materialised CTE
    select
        c.gemeente_code,
        c.aanbieder_agb,
        c.toewijzing_nummer,
        c.client_key,
        c.begindatum,
        c.is_dag,
        c.referentie_nummer,
        c.geleverd_volume,
        c.ingediend_bedrag_cents,
        iso_week_start(c.begindatum) as week,
        p.max_dagdelen_per_week,
        p.max_dagdelen_per_dag
    from claim_lines as c
    inner join parameters as p using (gemeente_code)
    where iso_week_start(c.begindatum) = iso_week_start(c.einddatum)
),

days as (
    select
        gemeente_code,
        client_key,
        week,
        begindatum as dag,
        sum(geleverd_volume) as dagdelen,
        any_value(max_dagdelen_per_dag) as max_dag
    from week_lines
    where is_dag
    group by gemeente_code, client_key, week, begindatum
),

day_excess as (
    select
        gemeente_code,
        client_key,
        week,
        sum(dagdelen - max_dag) as teveel,
        max(dagdelen) as max_dagdelen,
        list(dag order by dag) as dagen,
        string_agg(fmt_datum(dag) || ' ' || dagdelen, ', ' order by dag) as dagen_tekst
    from days
    where dagdelen > max_dag
    group by gemeente_code, client_key, week
),

weeks as (
    select
        gemeente_code,
        client_key,
        week,
        sum(geleverd_volume) as dagdelen,
        any_value(max_dagdelen_per_week) as max_week,
        any_value(max_dagdelen_per_dag) as max_dag
    from week_lines
    group by gemeente_code, client_key, week
),

findings as (
    select
        w.*,
        w.dagdelen > w.max_week as week_overschreden,
        d.dagen,
        d.dagen_tekst,
        d.max_dagdelen,
        greatest(w.dagdelen - w.max_week, coalesce(d.teveel, 0)) as teveel
    from weeks as w
    left join day_excess as d using (gemeente_code, client_key, week)
    where w.dagdelen > w.max_week or d.teveel is not null
),

contributing as (
    select
        l.gemeente_code,
        l.aanbieder_agb,
        l.toewijzing_nummer,
        l.client_key,
        l.week,
        l.referentie_nummer,
        l.geleverd_volume,
        l.ingediend_bedrag_cents
    from week_lines as l
    inner join findings as f using (gemeente_code, client_key, week)
    where f.week_overschreden or (l.is_dag and list_contains(f.dagen, l.begindatum))
),

per_allocation as (
    select
        c.gemeente_code,
        c.aanbieder_agb,
        c.toewijzing_nummer,
        c.client_key,
        c.week,
        sum(c.geleverd_volume) as eigen_dagdelen,
        sum(c.ingediend_bedrag_cents) as eigen_bedrag,
        list(c.referentie_nummer order by c.referentie_nummer) as evidence,
        sum(sum(c.geleverd_volume)) over (partition by c.gemeente_code, c.client_key, c.week)
            as bijdragende_dagdelen
    from contributing as c
    group by c.gemeente_code, c.aanbieder_agb, c.toewijzing_nummer, c.client_key, c.week
)

select
    a.gemeente_code,
    a.aanbieder_agb,
    a.toewijzing_nummer,
    a.client_key,
    a.week as period_start,
    cast(a.week + 6 as date) as period_end,
    cast(if(f.week_overschreden, f.dagdelen, f.max_dagdelen) as double) as measured,
    cast(if(f.week_overschreden, f.max_week, f.max_dag) as double) as threshold,
    'dagdelen' as unit,
    round_half_up(a.eigen_bedrag * f.teveel / a.bijdragende_dagdelen) as impact_cents,
    a.evidence,
    'Voor de cliënt zijn in de week van ' || fmt_datum(a.week) || ' t/m '
    || fmt_datum(a.week + 6) || ' ' || fmt_num(f.dagdelen, 0) || ' dagdelen dagbesteding gedeclareerd'
    || if(f.week_overschreden, ' (maximaal ' || fmt_num(f.max_week, 0) || ' per week)', '')
    || if(
        f.dagen is null, '',
        if(f.week_overschreden, ' en', ',') || ' meer dan ' || fmt_num(f.max_dag, 0)
        || if(f.max_dag = 1, ' dagdeel', ' dagdelen') || ' op één dag (' || f.dagen_tekst || ')'
    )
    || '; ' || fmt_num(f.teveel, 0) || if(f.teveel = 1, ' dagdeel', ' dagdelen')
    || ' te veel, waarvan ' || fmt_eur(round_half_up(a.eigen_bedrag * f.teveel / a.bijdragende_dagdelen))
    || ' op toewijzing ' || a.toewijzing_nummer || ' (' || fmt_num(a.eigen_dagdelen, 0)
    || if(a.eigen_dagdelen = 1, ' dagdeel).', ' dagdelen).') as message
from per_allocation as a
inner join findings as f using (gemeente_code, client_key, week)
