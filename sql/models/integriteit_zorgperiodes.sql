-- model: integriteit_zorgperiodes
-- title: Bruikbare declaratieregels met de gemelde start en stop van de zorg (305/307)
-- reads: models.integriteit_regels, staging.zorgmeldingen
-- reading: zorgmeldingen match a claim on toewijzing_nummer + aanbieder_agb + bsn. Only usable
--   lines (allocation exists, not deleted, claimed product; see models.integriteit_regels) inside
--   the allocation's validity, and only when some 305/307 was reported for them (allocations
--   without reports are not judged). start_datum = the earliest 305; stop_datum = the latest 307
--   before the line's begindatum (the stop day itself is the last claimable day); herstart = a
--   305 after that stop on or before the line's einddatum (care restarted within the period).
with claim_lines as (
    select * from models.integriteit_regels
    where koppeling = 'bruikbaar' and binnen_geldigheid
),

reports as (
    select * from staging.zorgmeldingen
),

reported as (
    select c.*
    from claim_lines as c
    semi join reports as r using (toewijzing_nummer, aanbieder_agb, bsn)
),

first_start as (
    select toewijzing_nummer, aanbieder_agb, bsn, min(datum) as start_datum
    from reports
    where soort = 'start'
    group by toewijzing_nummer, aanbieder_agb, bsn
),

last_stop as (
    select
        c._volgnr,
        max(r.datum) as stop_datum
    from reported as c
    inner join reports as r
        on
            c.toewijzing_nummer = r.toewijzing_nummer
            and c.aanbieder_agb = r.aanbieder_agb
            and c.bsn = r.bsn
            and r.soort = 'stop'
            and r.datum < c.begindatum
    group by c._volgnr
)

select
    c.*,
    s.start_datum,
    l.stop_datum,
    exists (
        select 1
        from reports as r
        where
            r.toewijzing_nummer = c.toewijzing_nummer
            and r.aanbieder_agb = c.aanbieder_agb
            and r.bsn = c.bsn
            and r.soort = 'start'
            and r.datum > l.stop_datum
            and r.datum <= c.einddatum
    ) as herstart,
    if(
        c.begindatum = c.einddatum,
        fmt_datum(c.begindatum),
        fmt_datum(c.begindatum) || ' t/m ' || fmt_datum(c.einddatum)
    ) as periode_tekst
from reported as c
left join first_start as s using (toewijzing_nummer, aanbieder_agb, bsn)
left join last_stop as l using (_volgnr)
