-- rule: dagbesteding.samen_met_ib
-- title: Individuele begeleiding geleverd op een dag met gedeclareerde dagbesteding
-- source: seed 004 lines 1275 and 1345 ("Tijdens de dagbesteding kan geen individuele begeleiding
--   worden ingezet"); RULES.md §6
-- uitleg: Tijdens dagbesteding kan geen individuele begeleiding worden ingezet; op deze dag zijn ze allebei geleverd.
-- actie: toelichten
-- grondslag: Beleidsregels maatschappelijke ondersteuning 2017 gemeente Drechterland (tijdens dagbesteding geen individuele begeleiding)
-- severity: laag
-- version: 1
-- reads: staging.contactmomenten, models.toewijzingen, models.declaraties_netto, staging.producten, staging.regelparameters
-- reading: contactmomenten of soort direct (any kanaal, resultaat or minutes) on an allocation of
--   soort ib or ib_life_event (match on toewijzing_nummer + client_key), whose gemeente sets
--   dagbesteding_samen_met_ib; the contact date is the date of gepland_begin. Dagbesteding = net
--   day lines (begindatum = einddatum) of soort dagbesteding of the same client_key and gemeente on
--   that date, any provider: a period line does not tell on which days the client attended, so it
--   does not count. One finding per client and day, named on every toewijzing involved: the IB
--   allocation(s) of the contacts and the dagbesteding allocation(s) of the claims (period_start =
--   period_end = the day). Impact on an IB row = its contacts' minutes x the tariff of its product
--   on that day / 60, half up (the IB given is the part that cannot be); dagbesteding rows carry
--   impact 0 so the money is counted once. measured = IB minutes that day, threshold 0. Evidence:
--   contact_ids and the dagbesteding referentie_nummers.
with contacts as (
    select * from staging.contactmomenten
    where soort = 'direct'
),

allocations as (
    select * from models.toewijzingen
),

claim_lines as not materialized (
    select * from models.declaraties_netto
    where soort = 'dagbesteding' and is_dag
),

products as (
    select * from staging.producten
),

parameters as (
    select gemeente_code from staging.regelparameters
    where dagbesteding_samen_met_ib
),

ib_contacts as (
    select
        t.gemeente_code,
        t.aanbieder_agb,
        t.toewijzing_nummer,
        t.client_key,
        t.product_code,
        c.contact_id,
        c.minuten_gedeclareerd,
        cast(c.gepland_begin as date) as dag
    from contacts as c
    inner join allocations as t using (toewijzing_nummer, client_key)
    inner join parameters using (gemeente_code)
    where t.soort in ('ib', 'ib_life_event')
),

ib_days as (
    select distinct gemeente_code, client_key, dag from ib_contacts
),

day_care as (
    -- only the client-days with IB contacts: the lists are not built for every dagbesteding day
    select
        c.gemeente_code,
        c.client_key,
        c.begindatum as dag,
        list(distinct c.referentie_nummer order by c.referentie_nummer) as referenties,
        sum(c.geleverd_volume) as dagdelen
    from claim_lines as c
    semi join ib_days as i
        on c.gemeente_code = i.gemeente_code and c.client_key = i.client_key and c.begindatum = i.dag
    group by c.gemeente_code, c.client_key, c.begindatum
),

finding_days as (
    select
        i.gemeente_code,
        i.client_key,
        i.dag,
        sum(i.minuten_gedeclareerd) as minuten,
        list(i.contact_id order by i.contact_id) as contact_ids,
        any_value(d.referenties) as referenties,
        any_value(d.dagdelen) as dagdelen
    from ib_contacts as i
    inner join day_care as d using (gemeente_code, client_key, dag)
    group by i.gemeente_code, i.client_key, i.dag
),

ib_rows as (
    select
        i.gemeente_code,
        i.aanbieder_agb,
        i.toewijzing_nummer,
        i.client_key,
        i.dag,
        sum(i.minuten_gedeclareerd) as eigen_minuten,
        round_half_up(sum(i.minuten_gedeclareerd) * any_value(p.tarief_cents) / 60.0) as impact_cents,
        'individuele begeleiding' as rol
    from ib_contacts as i
    semi join finding_days as f using (gemeente_code, client_key, dag)
    left join products as p
        on
            i.gemeente_code = p.gemeente_code
            and i.product_code = p.product_code
            and i.dag >= p.geldig_van
            and (p.geldig_tot is null or i.dag <= p.geldig_tot)
    group by i.gemeente_code, i.aanbieder_agb, i.toewijzing_nummer, i.client_key, i.dag
),

day_care_rows as (
    select
        c.gemeente_code,
        c.aanbieder_agb,
        c.toewijzing_nummer,
        c.client_key,
        c.begindatum as dag,
        0 as eigen_minuten,
        cast(0 as bigint) as impact_cents,
        'dagbesteding' as rol
    from claim_lines as c
    inner join finding_days as f
        on c.gemeente_code = f.gemeente_code and c.client_key = f.client_key and c.begindatum = f.dag
    group by c.gemeente_code, c.aanbieder_agb, c.toewijzing_nummer, c.client_key, c.begindatum
),

all_rows as (
    select * from ib_rows
    union all
    select * from day_care_rows
)

select
    r.gemeente_code,
    r.aanbieder_agb,
    r.toewijzing_nummer,
    r.client_key,
    r.dag as period_start,
    r.dag as period_end,
    cast(f.minuten as double) as measured,
    0.0 as threshold,
    'minuten' as unit,
    coalesce(r.impact_cents, 0) as impact_cents,
    list_concat(f.contact_ids, f.referenties) as evidence,
    'Op ' || fmt_datum(r.dag) || ' kreeg de cliënt ' || fmt_num(f.minuten, 0)
    || ' minuten individuele begeleiding terwijl er die dag ' || fmt_num(f.dagdelen, 0)
    || if(f.dagdelen = 1, ' dagdeel', ' dagdelen') || ' dagbesteding is gedeclareerd; tijdens'
    || ' dagbesteding kan geen individuele begeleiding worden ingezet (toewijzing '
    || r.toewijzing_nummer || ': ' || r.rol
    || if(r.rol = 'dagbesteding', '', ', ' || coalesce(fmt_eur(r.impact_cents), 'bedrag onbekend'))
    || ').' as message
from all_rows as r
inner join finding_days as f using (gemeente_code, client_key, dag)
