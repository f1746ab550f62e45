-- rule: integriteit.geen_toewijzing
-- title: Declaratie zonder toewijzing met dat nummer bij die gemeente
-- source: iWmo 3.2 TR338; RULES.md §7
-- severity: hoog
-- version: 1
-- reads: models.declaraties_netto, models.toewijzingen
-- reading: net (uncredited) debit lines whose toewijzing_nummer is unknown in that gemeente. One
--   signal per toewijzing, client and claim begindatum (lines with the same begindatum are one
--   finding, so the key is unique); impact = the whole amount. Interaction (one signal per
--   problem): such a claim gets no other integriteit signal (the whole claim is void); an
--   allocation that exists but was deleted (reden 13) is `integriteit.na_verwijdering`.
with claim_lines as (
    select * from models.declaraties_netto
),

flagged as (
    select
        *,
        referentie_nummer || ' (' || fmt_eur(ingediend_bedrag_cents) || ', '
        || if(
            begindatum = einddatum,
            fmt_datum(begindatum),
            fmt_datum(begindatum) || ' t/m ' || fmt_datum(einddatum)
        ) || ')' as regel
    from claim_lines
    where not toewijzing_gevonden
)

select
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    bsn,
    begindatum as period_start,
    max(einddatum) as period_end,
    cast(sum(ingediend_bedrag_cents) as double) as measured,
    0.0 as threshold,
    'eurocent' as unit,
    sum(ingediend_bedrag_cents) as impact_cents,
    list(referentie_nummer order by referentie_nummer) as evidence,
    if(count(*) = 1, 'Declaratie ', 'Declaraties ')
    || string_agg(regel, ', ' order by referentie_nummer)
    || if(count(*) = 1, ' verwijst', ' verwijzen') || ' naar toewijzing ' || toewijzing_nummer
    || ', maar gemeente ' || gemeente_code || ' heeft geen toewijzing met dat nummer.' as message
from flagged
group by gemeente_code, aanbieder_agb, toewijzing_nummer, bsn, begindatum
