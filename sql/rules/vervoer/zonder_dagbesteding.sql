-- rule: vervoer.zonder_dagbesteding
-- title: Vervoer gedeclareerd zonder dagbesteding
-- source: seed 001 "Vervoer van en naar dagbesteding" (lines 125, 138: "alleen in combinatie met
--   dagbesteding", "alleen gedeclareerd als er daadwerkelijk inzet heeft plaatsgevonden"); seed 002
--   §5.4.3 (lines 4722-4729), productkaart Vervoer Dagbesteding (lines 5436-5446)
-- uitleg: Vervoer wordt alleen vergoed samen met dagbesteding op dezelfde dag.
-- actie: crediteren
-- grondslag: Handelingskader Wmo Verblijf, Vervoer van en naar dagbesteding (alleen in combinatie met dagbesteding)
-- severity: hoog
-- version: 1
-- reads: models.declaraties_netto, models.vervoer_ritten, models.vervoer_ritten_per_toewijzing
-- reading: RULES.md §4. Dagbesteding = net claim lines of soort dagbesteding of the same client_key
--   (any provider or allocation). A transport day line is flagged when no dagbesteding line (day
--   line, or period line whose period contains the day) covers that day; impact = its amount.
--   Transport period lines are compared per client and period (begindatum-einddatum, all the
--   client's period lines with that period together), with the dagbesteding days in it = distinct
--   days of dagbesteding day lines + for dagbesteding period lines overlapping it min(dagdelen,
--   overlap days), at most the days of the period, minus the days already used by transport day
--   lines on a dagbesteding day. Trips above that are without dagbesteding; each allocation with
--   such period lines gets a signal with impact = its amount x excess / trips. More than one trip
--   on one day with dagbesteding is vervoer.meer_dan_een_per_dag. Period key: day lines the day,
--   period lines begindatum (should a toewijzing have both on one date, the larger impact is kept).
with claim_lines as not materialized (
    select * from models.declaraties_netto
),

transport as not materialized (
    select * from models.vervoer_ritten_per_toewijzing
),

dagbesteding as not materialized (
    select client_key, begindatum, einddatum, is_dag, geleverd_volume
    from claim_lines
    where soort = 'dagbesteding'
),

transport_days as (
    select
        gemeente_code,
        aanbieder_agb,
        toewijzing_nummer,
        client_key,
        begindatum as dag,
        ritten,
        bedrag_cents
    from transport
    where is_dag
),

day_findings as (
    -- a one-day dagbesteding line covers its own day (an equality join); only the lines of
    -- more than one day need the range join (a line ending before it starts covers nothing)
    select t.*
    from transport_days as t
    anti join dagbesteding as d
        on t.client_key = d.client_key and t.dag = d.begindatum and d.begindatum = d.einddatum
    anti join dagbesteding as p
        on
            t.client_key = p.client_key
            and p.begindatum < p.einddatum
            and t.dag between p.begindatum and p.einddatum
),

transport_periods as (
    select distinct
        client_key,
        begindatum,
        einddatum,
        ritten_client as ritten
    from transport
    where not is_dag
),

db_day_line_days as (
    select
        p.client_key,
        p.begindatum,
        p.einddatum,
        count(distinct d.begindatum) as dagen
    from transport_periods as p
    inner join dagbesteding as d
        on p.client_key = d.client_key and d.is_dag and d.begindatum between p.begindatum and p.einddatum
    group by p.client_key, p.begindatum, p.einddatum
),

db_period_line_days as (
    select
        p.client_key,
        p.begindatum,
        p.einddatum,
        sum(least(
            d.geleverd_volume,
            datediff(
                'day', greatest(p.begindatum, d.begindatum), least(p.einddatum, d.einddatum)
            ) + 1
        )) as dagen
    from transport_periods as p
    inner join dagbesteding as d
        on
            p.client_key = d.client_key
            and not d.is_dag
            and d.begindatum <= p.einddatum
            and d.einddatum >= p.begindatum
    group by p.client_key, p.begindatum, p.einddatum
),

period_transport_days as (
    -- the transport days inside a transport period of the client: all that used_days counts
    select distinct t.client_key, t.dag
    from transport_days as t
    semi join transport_periods as p
        on t.client_key = p.client_key and t.dag between p.begindatum and p.einddatum
),

covered_transport_days as (
    select t.client_key, t.dag
    from period_transport_days as t
    semi join dagbesteding as d
        on t.client_key = d.client_key and t.dag = d.begindatum and d.begindatum = d.einddatum
    union
    select t.client_key, t.dag
    from period_transport_days as t
    semi join dagbesteding as p
        on
            t.client_key = p.client_key
            and p.begindatum < p.einddatum
            and t.dag between p.begindatum and p.einddatum
),

used_days as (
    select
        p.client_key,
        p.begindatum,
        p.einddatum,
        count(*) as dagen
    from transport_periods as p
    inner join covered_transport_days as c
        on p.client_key = c.client_key and c.dag between p.begindatum and p.einddatum
    group by p.client_key, p.begindatum, p.einddatum
),

period_balance as (
    select
        p.*,
        least(
            datediff('day', p.begindatum, p.einddatum) + 1,
            coalesce(dl.dagen, 0) + coalesce(pl.dagen, 0)
        ) as db_dagen,
        coalesce(u.dagen, 0) as gebruikt
    from transport_periods as p
    left join db_day_line_days as dl using (client_key, begindatum, einddatum)
    left join db_period_line_days as pl using (client_key, begindatum, einddatum)
    left join used_days as u using (client_key, begindatum, einddatum)
),

period_excess as (
    select
        *,
        greatest(db_dagen - gebruikt, 0) as beschikbaar,
        ritten - greatest(db_dagen - gebruikt, 0) as teveel
    from period_balance
    where ritten > greatest(db_dagen - gebruikt, 0)
),

allocation_periods as (
    select * from transport
    where not is_dag
),

day_signals as (
    select
        gemeente_code,
        aanbieder_agb,
        toewijzing_nummer,
        client_key,
        dag as period_start,
        dag as period_end,
        cast(ritten as double) as measured,
        0.0 as threshold,
        bedrag_cents as impact_cents,
        'Vervoer gedeclareerd op ' || fmt_datum(dag) || ' (' || fmt_num(ritten, 0)
        || if(ritten = 1, ' rit, ', ' ritten, ') || fmt_eur(bedrag_cents)
        || ') terwijl er voor de cliënt die dag geen dagbesteding is gedeclareerd.' as message
    from day_findings
),

period_signals as (
    select
        a.gemeente_code,
        a.aanbieder_agb,
        a.toewijzing_nummer,
        a.client_key,
        a.begindatum as period_start,
        a.einddatum as period_end,
        cast(e.ritten as double) as measured,
        cast(e.beschikbaar as double) as threshold,
        round_half_up(a.bedrag_cents * e.teveel / e.ritten) as impact_cents,
        'Voor de cliënt zijn van ' || fmt_datum(a.begindatum) || ' t/m ' || fmt_datum(a.einddatum)
        || ' ' || fmt_num(e.ritten, 0) || if(e.ritten = 1, ' rit', ' ritten')
        || ' vervoer gedeclareerd, maar dagbesteding op ' || fmt_num(e.db_dagen, 0)
        || if(e.db_dagen = 1, ' dag', ' dagen')
        || if(
            e.gebruikt > 0,
            ' (waarvan ' || fmt_num(e.gebruikt, 0) || ' al met een losse vervoersdeclaratie)', ''
        )
        || ': ' || fmt_num(e.teveel, 0) || if(e.teveel = 1, ' rit', ' ritten')
        || ' zonder dagbesteding, '
        || fmt_eur(round_half_up(a.bedrag_cents * e.teveel / e.ritten))
        || ' op deze toewijzing.' as message
    from allocation_periods as a
    inner join period_excess as e using (client_key, begindatum, einddatum)
),

all_signals as (
    select * from day_signals
    union all
    select * from period_signals
),

signal_evidence as (
    -- the evidence lists, built here for the flagged lines only (the model has none): the lines
    -- of each flagged day and each allocation in a flagged period (a day line's period is its day)
    select
        l.gemeente_code,
        l.aanbieder_agb,
        l.toewijzing_nummer,
        l.client_key,
        l.begindatum as period_start,
        l.einddatum as period_end,
        list(l.referentie_nummer order by l.referentie_nummer) as evidence
    from (
        select t.* from models.vervoer_ritten as t
        semi join day_findings as d
            on
                t.gemeente_code = d.gemeente_code
                and t.aanbieder_agb = d.aanbieder_agb
                and t.toewijzing_nummer = d.toewijzing_nummer
                and t.client_key = d.client_key
                and t.begindatum = d.dag
                and t.is_dag
        union all
        select t.* from models.vervoer_ritten as t
        semi join period_excess as e using (client_key, begindatum, einddatum)
        where not t.is_dag
    ) as l
    group by
        l.gemeente_code, l.aanbieder_agb, l.toewijzing_nummer, l.client_key, l.begindatum, l.einddatum
)

select
    s.gemeente_code,
    s.aanbieder_agb,
    s.toewijzing_nummer,
    s.client_key,
    s.period_start,
    s.period_end,
    s.measured,
    s.threshold,
    'retourritten' as unit,
    cast(s.impact_cents as bigint) as impact_cents,
    e.evidence,
    s.message
from all_signals as s
inner join signal_evidence as e
    using (gemeente_code, aanbieder_agb, toewijzing_nummer, client_key, period_start, period_end)
qualify row_number() over (
    partition by gemeente_code, toewijzing_nummer, period_start
    order by impact_cents desc, period_end desc
) = 1
