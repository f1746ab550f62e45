-- rule: integriteit.voor_start_zorg
-- title: Declaratie voor de gemelde start van de zorg (305-bericht)
-- source: iWmo 3.2 startbericht 305 (TR019: start/stop gerelateerd aan de toewijzing via het
--   ToewijzingNummer); seed 002 (aanbieder verstuurt een 305 bij start ondersteuning); RULES.md §7
-- uitleg: Voor de gemelde start van de zorg (305-bericht) is er nog geen zorg geleverd en niets te declareren.
-- actie: crediteren
-- grondslag: iWmo 3.2 startbericht 305 (TR019)
-- severity: hoog
-- version: 1
-- reads: models.integriteit_zorgperiodes
-- reading: zorgmeldingen match a claim on toewijzing_nummer + aanbieder_agb + client_key. A net
--   (uncredited) debit line is flagged when its whole period ends before the first reported start
--   (einddatum < earliest 305 datum; the start day itself is claimable). A period that only
--   begins before the start (e.g. the whole month in which care started) is not flagged: the
--   ProductPeriode covers the calendar month (TR387). Allocations without a 305 are not judged.
--   measured = days between the claim's end and the start; impact = the whole amount.
--   Interaction (one signal per problem): only for allocations that exist, are not deleted and
--   have the claimed product, and only for claims inside the allocation's validity (else
--   buiten_toewijzingsperiode); independent of unit, amount and tariff. One signal per
--   toewijzing, client and claim begindatum.
with flagged as (
    select
        *,
        datediff('day', einddatum, start_datum) as dagen_voor_start,
        referentie_nummer || ' (' || fmt_eur(ingediend_bedrag_cents) || ', '
        || fmt_periode(begindatum, einddatum) || ')' as regel
    from models.integriteit_zorgperiodes
    where einddatum < start_datum
)

select
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    client_key,
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
group by gemeente_code, aanbieder_agb, toewijzing_nummer, client_key, begindatum
