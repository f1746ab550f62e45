-- rule: integriteit.eenheid_afwijkend
-- title: Gedeclareerde eenheid past niet bij de eenheid van de toewijzing
-- source: iWmo 3.2 TR341 (eenheid gelijk; bij toewijzing in uren mag in minuten); RULES.md §7 en
--   Conventions (Units)
-- uitleg: De eenheid van de declaratie moet passen bij die van de toewijzing (bij een toewijzing in uren mag in minuten).
-- actie: corrigeren en opnieuw declareren
-- grondslag: iWmo 3.2 TR341 (retourcode 9341)
-- severity: midden
-- version: 1
-- reads: models.integriteit_koppelfouten
-- reading: net (uncredited) debit lines whose unit is not compatible with the allocation's
--   (compatible = equal, or allocation in hours 04 and claim in minutes 01). Such lines are left
--   out of the utilisation figures, so impact = the whole amount. Interaction (one signal per
--   problem): only for allocations that exist, are not deleted and have the claimed product
--   (a different product explains a different unit: product_afwijkend); independent of the
--   period and zorgmelding checks. One signal per toewijzing, client and claim begindatum.
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
    onderwerp || if(aantal = 1, ' past', ' passen') || ' niet bij toewijzing ' || toewijzing_nummer
    || ' in ' || case toewijzing_eenheid
        when '01' then 'minuten' when '04' then 'uren' when '14' then 'etmalen'
        when '16' then 'dagdelen' when '83' then 'euro''s' else 'stuks'
    end || ' (eenheid ' || toewijzing_eenheid || ')'
    || '; dit bedrag telt niet mee in de uitnutting.' as message
from models.integriteit_koppelfouten
where fout = 'andere_eenheid'
