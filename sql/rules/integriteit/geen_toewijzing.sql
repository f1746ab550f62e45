-- rule: integriteit.geen_toewijzing
-- title: Declaratie zonder toewijzing met dat nummer bij die gemeente
-- source: iWmo 3.2 TR338; RULES.md §7
-- severity: hoog
-- version: 1
-- reads: models.declaraties_netto, models.toewijzingen
-- reading: one signal per claim line (net, uncredited); the period is the claim's period.
--   An allocation that exists but was deleted (reden 13) is `integriteit.na_verwijdering`.
with claim_lines as (
    select * from models.declaraties_netto
)

select
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    bsn,
    begindatum as period_start,
    einddatum as period_end,
    cast(ingediend_bedrag_cents as double) as measured,
    0.0 as threshold,
    'eurocent' as unit,
    ingediend_bedrag_cents as impact_cents,
    [referentie_nummer] as evidence,
    'Declaratie ' || referentie_nummer || ' (' || fmt_eur(ingediend_bedrag_cents)
    || ', ' || fmt_datum(begindatum) || ' t/m ' || fmt_datum(einddatum)
    || ') verwijst naar toewijzing ' || toewijzing_nummer
    || ', maar gemeente ' || gemeente_code || ' heeft geen toewijzing met dat nummer.' as message
from claim_lines
where not toewijzing_gevonden
