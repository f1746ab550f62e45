-- rule: integriteit.product_afwijkend
-- title: Gedeclareerd product wijkt af van het toegewezen product
-- source: iWmo 3.2 TR339 (productcategorie) en TR340 (productcode); RULES.md §7
-- uitleg: Alleen het toegewezen product (productcategorie en productcode) is declarabel.
-- actie: corrigeren en opnieuw declareren
-- grondslag: iWmo 3.2 TR339 en TR340 (retourcodes 9339 en 9340)
-- severity: hoog
-- version: 1
-- reads: models.integriteit_koppelfouten
-- reading: net (uncredited) debit lines whose product_categorie differs from the allocation's,
--   or whose product_code differs while the allocation names a product_code (a category-level
--   allocation accepts any code of its category). impact = the whole amount: the claimed product
--   was not allocated. Interaction (one signal per problem): only for allocations that exist and
--   are not deleted (else geen_toewijzing / na_verwijdering); a claim with another product gets
--   no other integriteit signal (its unit, period, zorgmelding, amount, tariff, month boundary
--   and duplicates are moot until the right product is claimed). One signal per toewijzing,
--   client and claim begindatum.
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
    || ', maar die toewijzing is voor '
    || coalesce('product ' || toegewezen_product, 'productcategorie ' || toegewezen_categorie)
    || '.' as message
from models.integriteit_koppelfouten
where fout = 'ander_product'
