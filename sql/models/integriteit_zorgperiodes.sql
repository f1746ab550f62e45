-- model: integriteit_zorgperiodes
-- title: Bruikbare declaratieregels met de gemelde start en stop van de zorg (305/307)
-- reads: models.integriteit_regels, staging.zorgmeldingen
-- materialized: view
-- reading: zorgmeldingen match a claim on toewijzing_nummer + aanbieder_agb + client_key. Only
--   usable lines (allocation exists, not deleted, claimed product; see models.integriteit_regels)
--   inside the allocation's validity, and only when some 305/307 was reported for them (allocations
--   without reports are not judged). start_datum = the earliest 305; stop_datum = the latest 307
--   before the line's begindatum (the stop day itself is the last claimable day); herstart = a 305
--   after that stop on or before the line's einddatum (care restarted within the period).
with reports as (
    select toewijzing_nummer, aanbieder_agb, client_key, soort, datum from staging.zorgmeldingen
),

starts as (
    select toewijzing_nummer, aanbieder_agb, client_key, datum from reports where soort = 'start'
),

stops as (
    select toewijzing_nummer, aanbieder_agb, client_key, datum from reports where soort = 'stop'
),

reported as not materialized (  -- read twice; a copy of the lines would cost more
    -- only the columns that integriteit.na_stop_zorg and voor_start_zorg read
    select
        c.gemeente_code,
        c.aanbieder_agb,
        c.toewijzing_nummer,
        c.client_key,
        c.referentie_nummer,
        c.begindatum,
        c.einddatum,
        c.ingediend_bedrag_cents
    from models.integriteit_regels as c
    semi join reports as r using (toewijzing_nummer, aanbieder_agb, client_key)
    where c.koppeling = 'bruikbaar' and c.binnen_geldigheid
),

first_start as (
    select toewijzing_nummer, aanbieder_agb, client_key, min(datum) as start_datum
    from starts
    group by toewijzing_nummer, aanbieder_agb, client_key
),

stopped_clients as (
    select distinct toewijzing_nummer, aanbieder_agb, client_key from stops
),

-- Lines of a client with a reported stop: the latest stop before begindatum, then the first
-- start after that stop (as-of joins, only over these lines). Other lines have neither.
with_stop as (
    select
        c.*,
        l.datum as stop_datum,
        r.datum as herstart_datum
    from (
        select * from reported
        semi join stopped_clients using (toewijzing_nummer, aanbieder_agb, client_key)
    ) as c
    asof left join stops as l
        on
            c.toewijzing_nummer = l.toewijzing_nummer
            and c.aanbieder_agb = l.aanbieder_agb
            and c.client_key = l.client_key
            and c.begindatum > l.datum
    asof left join starts as r
        on
            c.toewijzing_nummer = r.toewijzing_nummer
            and c.aanbieder_agb = r.aanbieder_agb
            and c.client_key = r.client_key
            and l.datum < r.datum
    union all
    select
        *,
        null as stop_datum,
        null as herstart_datum
    from reported
    anti join stopped_clients using (toewijzing_nummer, aanbieder_agb, client_key)
)

select
    c.* exclude (herstart_datum),
    s.start_datum,
    coalesce(c.herstart_datum <= c.einddatum, false) as herstart
from with_stop as c
left join first_start as s using (toewijzing_nummer, aanbieder_agb, client_key)
