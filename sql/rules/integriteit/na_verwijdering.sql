-- rule: integriteit.na_verwijdering
-- title: Declaratie op een verwijderde toewijzing (reden wijziging 13)
-- source: iWmo 3.2 TR384 (niet declareren op een toewijzing met RedenWijziging 13); RULES.md §7
-- severity: hoog
-- version: 1
-- reads: models.declaraties_netto, models.toewijzingen
-- reading: net (uncredited) debit lines on an allocation whose latest version has
--   reden_wijziging 13, whatever their dates (a deleted allocation counts as never given).
--   impact = the whole amount. Interaction (one signal per problem): such a claim gets only this
--   signal: no buiten_toewijzingsperiode (a deleted allocation usually has einddatum =
--   ingangsdatum, so that would repeat the same problem), product, unit, zorgmelding, amount,
--   tariff, month-boundary or duplicate signals. One signal per toewijzing, client and claim
--   begindatum.
with claim_lines as (
    select * from models.declaraties_netto
),

allocations as (
    select * from models.toewijzingen
),

flagged as (
    select
        c.*,
        c.referentie_nummer || ' (' || fmt_eur(c.ingediend_bedrag_cents) || ', '
        || if(
            c.begindatum = c.einddatum,
            fmt_datum(c.begindatum),
            fmt_datum(c.begindatum) || ' t/m ' || fmt_datum(c.einddatum)
        ) || ')' as regel
    from claim_lines as c
    inner join allocations as a
        on c.gemeente_code = a.gemeente_code and c.toewijzing_nummer = a.toewijzing_nummer
    where a.reden_wijziging = '13'
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
    || if(count(*) = 1, ' is', ' zijn') || ' ingediend op toewijzing ' || toewijzing_nummer
    || ', maar die toewijzing is verwijderd (reden wijziging 13).' as message
from flagged
group by gemeente_code, aanbieder_agb, toewijzing_nummer, bsn, begindatum
