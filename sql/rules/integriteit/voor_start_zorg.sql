-- rule: integriteit.voor_start_zorg
-- title: Declaratie voor de gemelde start van de zorg (305-bericht)
-- source: iWmo 3.2 startbericht 305 (TR019: start/stop gerelateerd aan de toewijzing via het
--   ToewijzingNummer); seed 002 (aanbieder verstuurt een 305 bij start ondersteuning); RULES.md §7
-- severity: hoog
-- version: 1
-- reads: models.declaraties_netto, models.toewijzingen, staging.zorgmeldingen
-- reading: zorgmeldingen match a claim on toewijzing_nummer + aanbieder_agb + bsn. A net
--   (uncredited) debit line is flagged when its whole period ends before the first reported start
--   (einddatum < earliest 305 datum; the start day itself is claimable). A period that only
--   begins before the start (e.g. the whole month in which care started) is not flagged: the
--   ProductPeriode covers the calendar month (TR387). Allocations without a 305 are not judged.
--   measured = days between the claim's end and the start; impact = the whole amount.
--   Interaction (one signal per problem): only for allocations that exist, are not deleted and
--   have the claimed product, and only for claims inside the allocation's validity (else
--   buiten_toewijzingsperiode); independent of unit, amount and tariff. One signal per
--   toewijzing, client and claim begindatum.
with claim_lines as (
    select * from models.declaraties_netto
),

allocations as (
    select * from models.toewijzingen
),

reports as (
    select * from staging.zorgmeldingen
),

first_start as (
    select toewijzing_nummer, aanbieder_agb, bsn, min(datum) as start_datum
    from reports
    where soort = 'start'
    group by toewijzing_nummer, aanbieder_agb, bsn
),

eligible as (
    select c.*
    from claim_lines as c
    inner join allocations as a
        on c.gemeente_code = a.gemeente_code and c.toewijzing_nummer = a.toewijzing_nummer
    where
        coalesce(a.reden_wijziging, '') <> '13'
        and c.product_categorie = a.product_categorie
        and (a.product_code is null or c.product_code is not distinct from a.product_code)
        and c.begindatum >= a.ingangsdatum
        and (a.einddatum is null or c.einddatum <= a.einddatum)
),

flagged as (
    select
        c.*,
        s.start_datum,
        datediff('day', c.einddatum, s.start_datum) as dagen_voor_start,
        c.referentie_nummer || ' (' || fmt_eur(c.ingediend_bedrag_cents) || ', '
        || if(
            c.begindatum = c.einddatum,
            fmt_datum(c.begindatum),
            fmt_datum(c.begindatum) || ' t/m ' || fmt_datum(c.einddatum)
        ) || ')' as regel
    from eligible as c
    inner join first_start as s using (toewijzing_nummer, aanbieder_agb, bsn)
    where c.einddatum < s.start_datum
)

select
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    bsn,
    begindatum as period_start,
    max(einddatum) as period_end,
    cast(min(dagen_voor_start) as double) as measured,
    0.0 as threshold,
    'dagen' as unit,
    sum(ingediend_bedrag_cents) as impact_cents,
    list(referentie_nummer order by referentie_nummer) as evidence,
    if(count(*) = 1, 'Declaratie ', 'Declaraties ')
    || string_agg(regel, ', ' order by referentie_nummer)
    || ' op toewijzing ' || toewijzing_nummer
    || if(count(*) = 1, ' ligt', ' liggen') || ' geheel vóór de start van de zorg op '
    || fmt_datum(any_value(start_datum)) || ' (startbericht 305).' as message
from flagged
group by gemeente_code, aanbieder_agb, toewijzing_nummer, bsn, begindatum
