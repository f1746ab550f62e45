-- rule: integriteit.na_verwijdering
-- title: Declaratie op een verwijderde toewijzing (reden wijziging 13)
-- source: iWmo 3.2 TR384 (niet declareren op een toewijzing met RedenWijziging 13); RULES.md §7
-- uitleg: Op een verwijderde toewijzing (reden wijziging 13) mag niet worden gedeclareerd.
-- actie: crediteren
-- grondslag: iWmo 3.2 TR384 (retourcode 9384)
-- severity: hoog
-- version: 1
-- reads: models.integriteit_koppelfouten
-- reading: net (uncredited) debit lines on an allocation whose latest version has
--   reden_wijziging 13, whatever their dates (a deleted allocation counts as never given).
--   impact = the whole amount. Interaction (one signal per problem): such a claim gets only this
--   signal: no buiten_toewijzingsperiode (a deleted allocation usually has einddatum =
--   ingangsdatum, so that would repeat the same problem), product, unit, zorgmelding, amount,
--   tariff, month-boundary or duplicate signals. One signal per toewijzing, client and claim
--   begindatum.
select
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    client_key,
    period_start,
    period_end,
    cast(bedrag_cents as double) as measured,
    0.0 as threshold,
    'eurocent' as unit,
    bedrag_cents as impact_cents,
    evidence,
    onderwerp || if(aantal = 1, ' is', ' zijn') || ' ingediend op toewijzing ' || toewijzing_nummer
    || ', maar die toewijzing is verwijderd (reden wijziging 13).' as message
from models.integriteit_koppelfouten
where fout = 'verwijderd'
