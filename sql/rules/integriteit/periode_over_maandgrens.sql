-- rule: integriteit.periode_over_maandgrens
-- title: Declaratieperiode loopt over een maandgrens
-- source: iWmo 3.2 CS337 (Einddatum van de ProductPeriode in dezelfde kalendermaand en hetzelfde
--   jaar als de Begindatum); RULES.md §7
-- uitleg: Een declaratieregel hoort binnen één kalendermaand te vallen.
-- actie: corrigeren en opnieuw declareren
-- grondslag: iWmo 3.2 CS337
-- severity: laag
-- version: 1
-- reads: models.integriteit_regels
-- reading: net (uncredited) debit lines whose begindatum and einddatum lie in different calendar
--   months. Not financial: impact 0; measured = calendar months touched, threshold 1. Such a line
--   counts in the month of its begindatum for the other rules. Interaction (one signal per
--   problem): not for claims without a usable allocation (unknown, deleted or another product);
--   independent of the other checks. One signal per toewijzing, client and claim begindatum.
with usable as (
    select * from models.integriteit_regels
    where koppeling = 'bruikbaar'
),

flagged as (
    select
        *,
        datediff('month', begindatum, einddatum) + 1 as maanden,
        referentie_nummer || ' (' || fmt_datum(begindatum) || ' t/m ' || fmt_datum(einddatum)
        || ', ' || fmt_eur(ingediend_bedrag_cents) || ')' as regel
    from usable
    where month_start(begindatum) <> month_start(einddatum)
)

select
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    client_key,
    begindatum as period_start,
    max(einddatum) as period_end,
    cast(max(maanden) as double) as measured,
    1.0 as threshold,
    'maanden' as unit,
    cast(0 as bigint) as impact_cents,
    list(referentie_nummer order by referentie_nummer) as evidence,
    if(count(*) = 1, 'Declaratie ', 'Declaraties ')
    || string_agg(regel, ', ' order by referentie_nummer)
    || ' op toewijzing ' || toewijzing_nummer
    || if(count(*) = 1, ' loopt', ' lopen') || ' over een maandgrens; een declaratieregel hoort '
    || 'binnen één kalendermaand te vallen.' as message
from flagged
group by gemeente_code, aanbieder_agb, toewijzing_nummer, client_key, begindatum
