-- model: afwezigheid_dagen
-- title: Gedeclareerde dagen binnen een afwezigheid van de cliënt, met de kenmerken van die afwezigheid
-- reads: models.declaraties_netto, models.afwezigheid_beoordeling
-- reading: net claim lines (any soort) match absences on client_key. A period line is taken to
--   claim every day of its period (begindatum up to and including einddatum); an absence without
--   einddatum has not ended. One row per claim line, claimed day and absence that contains that day
--   (a day inside several absences has one row per absence). Only lines that overlap an absence are
--   expanded. tarief_cents = the contract tariff, the claim's own tariff when the product has none;
--   claim_dagen = the days of the line's period. The absence's columns: afwezigheid_id, reden,
--   afwezig_vanaf / afwezig_tot (its begindatum / einddatum), declarabel, reden_niet_declarabel,
--   opname (see models.afwezigheid_beoordeling).
with absences as (
    select * from models.afwezigheid_beoordeling
),

overlapping_lines as (
    select c.*
    from models.declaraties_netto as c
    semi join absences as a
        on
            c.client_key = a.client_key
            and c.einddatum >= a.begindatum
            and (a.einddatum is null or c.begindatum <= a.einddatum)
),

claim_days as (
    select
        gemeente_code,
        aanbieder_agb,
        toewijzing_nummer,
        client_key,
        referentie_nummer,
        maand,
        soort,
        geleverd_volume,
        coalesce(contract_tarief_cents, product_tarief_cents) as tarief_cents,
        ingediend_bedrag_cents,
        datediff('day', begindatum, einddatum) + 1 as claim_dagen,
        cast(unnest(generate_series(begindatum, einddatum, interval 1 day)) as date) as dag
    from overlapping_lines
)

select
    d.*,
    a.afwezigheid_id,
    a.reden,
    a.begindatum as afwezig_vanaf,
    a.einddatum as afwezig_tot,
    a.declarabel,
    a.reden_niet_declarabel,
    a.opname
from claim_days as d
inner join absences as a
    on
        d.client_key = a.client_key
        and d.dag >= a.begindatum
        and (a.einddatum is null or d.dag <= a.einddatum)
