-- rule: integriteit.geen_toewijzing
-- title: Declaratie zonder toewijzing met dat nummer bij die gemeente
-- source: iWmo 3.2 TR338; RULES.md §7
-- uitleg: Declareren kan alleen op een toewijzing van de gemeente; het genoemde toewijzingsnummer is bij deze gemeente niet bekend.
-- actie: corrigeren en opnieuw declareren
-- grondslag: iWmo 3.2 TR338 (retourcode 9338)
-- severity: hoog
-- version: 1
-- reads: models.integriteit_koppelfouten
-- reading: net (uncredited) debit lines whose toewijzing_nummer is unknown in that gemeente. One
--   signal per toewijzing, client and claim begindatum (lines with the same begindatum are one
--   finding, so the key is unique); impact = the whole amount. Interaction (one signal per
--   problem): such a claim gets no other integriteit signal (the whole claim is void); an
--   allocation that exists but was deleted (reden 13) is `integriteit.na_verwijdering`.
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
    onderwerp || if(aantal = 1, ' verwijst', ' verwijzen') || ' naar toewijzing '
    || toewijzing_nummer || ', maar gemeente ' || gemeente_code
    || ' heeft geen toewijzing met dat nummer.' as message
from models.integriteit_koppelfouten
where fout = 'geen_toewijzing'
