-- rule: vervoer.meer_dan_een_per_dag
-- title: Meer dan één retourrit vervoer per cliënt per dag
-- source: seed 001 "Vervoer van en naar dagbesteding" (line 138: "vast tarief per inwoner per
--   dag"); seed 002 §5.4.3 (lines 4727-4729: "1x Vervoer is een retourrit"), productkaart Vervoer
--   Dagbesteding (lines 5436-5438: "2 vervoersbewegingen per bezoek ... (heen en terug)")
-- uitleg: Per cliënt wordt maximaal één retourrit vervoer per dag vergoed.
-- actie: crediteren
-- grondslag: Handelingskader Wmo Verblijf, Vervoer van en naar dagbesteding (vast tarief per inwoner per dag)
-- severity: hoog
-- version: 1
-- reads: models.vervoer_ritten, models.vervoer_ritten_per_toewijzing
-- reading: RULES.md §4, per client (client_key) over all providers and allocations. Day lines, the
--   trips of all the client's transport day lines on one day above 1; each allocation with a day
--   line that day gets a signal keyed on the day. Period lines, per client and period
--   (begindatum-einddatum) the trips of all the client's period lines with that period plus the day
--   lines inside it, above the number of days of the period (more than one a day is then certain);
--   each allocation with such period lines gets a signal keyed on begindatum. Trips above the limit
--   are shared over the allocations pro rata, impact = the allocation's amount x excess / trips.
--   Whether the trips had dagbesteding is vervoer.zonder_dagbesteding. Should a toewijzing get both
--   kinds of signal on one date, the larger impact is kept.
with transport as not materialized (
    select * from models.vervoer_ritten
),

allocation_transport as not materialized (
    select * from models.vervoer_ritten_per_toewijzing
),

allocation_days as (
    select
        gemeente_code,
        aanbieder_agb,
        toewijzing_nummer,
        client_key,
        begindatum as dag,
        ritten,
        bedrag_cents
    from allocation_transport
    where is_dag
),

busy_days as (
    -- a cheap sum per client-day first; the lists below are built for these few days only
    select
        client_key,
        begindatum as dag,
        sum(geleverd_volume) as ritten
    from transport
    where is_dag
    group by client_key, begindatum
    having sum(geleverd_volume) > 1
),

client_days as (
    select
        b.client_key,
        b.dag,
        any_value(b.ritten) as ritten,
        string_agg(distinct t.toewijzing_nummer, ', ' order by t.toewijzing_nummer) as toewijzingen,
        count(distinct t.toewijzing_nummer) as aantal_toewijzingen,
        list(t.referentie_nummer order by t.referentie_nummer) as evidence
    from busy_days as b
    inner join transport as t on t.is_dag and t.client_key = b.client_key and t.begindatum = b.dag
    group by b.client_key, b.dag
),

day_signals as (
    select
        a.gemeente_code,
        a.aanbieder_agb,
        a.toewijzing_nummer,
        a.client_key,
        a.dag as period_start,
        a.dag as period_end,
        cast(c.ritten as double) as measured,
        1.0 as threshold,
        round_half_up(a.bedrag_cents * (c.ritten - 1) / c.ritten) as impact_cents,
        c.evidence,
        'Op ' || fmt_datum(a.dag) || ' zijn voor de cliënt ' || fmt_num(c.ritten, 0)
        || ' ritten vervoer gedeclareerd ('
        || if(c.aantal_toewijzingen = 1, 'toewijzing ', 'toewijzingen ') || c.toewijzingen
        || ') terwijl maximaal 1 retourrit per dag wordt vergoed: ' || fmt_num(c.ritten - 1, 0)
        || if(c.ritten - 1 = 1, ' rit', ' ritten') || ' te veel, '
        || fmt_eur(round_half_up(a.bedrag_cents * (c.ritten - 1) / c.ritten))
        || ' op deze toewijzing.' as message
    from allocation_days as a
    inner join client_days as c using (client_key, dag)
),

client_periods as (
    select distinct
        client_key,
        begindatum,
        einddatum,
        ritten_client as ritten
    from allocation_transport
    where not is_dag
),

period_totals as (
    select
        p.client_key,
        p.begindatum,
        p.einddatum,
        datediff('day', p.begindatum, p.einddatum) + 1 as dagen,
        p.ritten + coalesce(sum(d.geleverd_volume), 0) as ritten,
        list(d.referentie_nummer order by d.referentie_nummer)
            filter (where d.referentie_nummer is not null) as dag_evidence
    from client_periods as p
    left join transport as d
        on p.client_key = d.client_key and d.is_dag and d.begindatum between p.begindatum and p.einddatum
    group by p.client_key, p.begindatum, p.einddatum, p.ritten
    having
        p.ritten + coalesce(sum(d.geleverd_volume), 0)
        > datediff('day', p.begindatum, p.einddatum) + 1
),

allocation_periods as (
    -- per allocation the period lines of the flagged periods only, so the evidence lists are
    -- built for these few (same grouping as models.vervoer_ritten_per_toewijzing)
    select
        gemeente_code,
        aanbieder_agb,
        toewijzing_nummer,
        client_key,
        begindatum,
        einddatum,
        sum(ingediend_bedrag_cents) as bedrag_cents,
        list(referentie_nummer order by referentie_nummer) as evidence
    from transport
    semi join period_totals using (client_key, begindatum, einddatum)
    where not is_dag
    group by gemeente_code, aanbieder_agb, toewijzing_nummer, client_key, begindatum, einddatum
),

period_signals as (
    select
        a.gemeente_code,
        a.aanbieder_agb,
        a.toewijzing_nummer,
        a.client_key,
        a.begindatum as period_start,
        a.einddatum as period_end,
        cast(t.ritten as double) as measured,
        cast(t.dagen as double) as threshold,
        round_half_up(a.bedrag_cents * (t.ritten - t.dagen) / t.ritten) as impact_cents,
        list_concat(a.evidence, coalesce(t.dag_evidence, [])) as evidence,
        'Voor de cliënt zijn van ' || fmt_datum(a.begindatum) || ' t/m ' || fmt_datum(a.einddatum)
        || ' ' || fmt_num(t.ritten, 0) || ' ritten vervoer gedeclareerd in ' || fmt_num(t.dagen, 0)
        || if(t.dagen = 1, ' dag', ' dagen') || ' terwijl maximaal 1 retourrit per dag wordt vergoed: '
        || fmt_num(t.ritten - t.dagen, 0) || if(t.ritten - t.dagen = 1, ' rit', ' ritten')
        || ' te veel, ' || fmt_eur(round_half_up(a.bedrag_cents * (t.ritten - t.dagen) / t.ritten))
        || ' op deze toewijzing.' as message
    from allocation_periods as a
    inner join period_totals as t using (client_key, begindatum, einddatum)
),

all_signals as (
    select * from day_signals
    union all
    select * from period_signals
)

select
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    client_key,
    period_start,
    period_end,
    measured,
    threshold,
    'retourritten' as unit,
    cast(impact_cents as bigint) as impact_cents,
    evidence,
    message
from all_signals
qualify row_number() over (
    partition by gemeente_code, toewijzing_nummer, period_start
    order by impact_cents desc, period_end desc
) = 1
