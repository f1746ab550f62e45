-- rule: integriteit.product_afwijkend
-- title: Gedeclareerd product wijkt af van het toegewezen product
-- source: iWmo 3.2 TR339 (productcategorie) en TR340 (productcode); RULES.md §7
-- severity: hoog
-- version: 1
-- reads: models.declaraties_netto, models.toewijzingen
-- reading: net (uncredited) debit lines whose product_categorie differs from the allocation's,
--   or whose product_code differs while the allocation names a product_code (a category-level
--   allocation accepts any code of its category). impact = the whole amount: the claimed product
--   was not allocated. Interaction (one signal per problem): only for allocations that exist and
--   are not deleted (else geen_toewijzing / na_verwijdering); a claim with another product gets
--   no other integriteit signal (its unit, period, zorgmelding, amount, tariff, month boundary
--   and duplicates are moot until the right product is claimed). One signal per toewijzing,
--   client and claim begindatum.
with claim_lines as (
    select * from models.declaraties_netto
),

allocations as (
    select * from models.toewijzingen
),

flagged as (
    select
        c.*,
        a.product_categorie as toegewezen_categorie,
        a.product_code as toegewezen_product,
        c.referentie_nummer || ' (' || coalesce(c.product_code, 'categorie ' || c.product_categorie)
        || ', ' || fmt_eur(c.ingediend_bedrag_cents) || ', '
        || if(
            c.begindatum = c.einddatum,
            fmt_datum(c.begindatum),
            fmt_datum(c.begindatum) || ' t/m ' || fmt_datum(c.einddatum)
        ) || ')' as regel
    from claim_lines as c
    inner join allocations as a
        on c.gemeente_code = a.gemeente_code and c.toewijzing_nummer = a.toewijzing_nummer
    where
        coalesce(a.reden_wijziging, '') <> '13'
        and (
            c.product_categorie <> a.product_categorie
            or (a.product_code is not null and c.product_code is distinct from a.product_code)
        )
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
    || ', maar die toewijzing is voor '
    || coalesce(
        'product ' || any_value(toegewezen_product),
        'productcategorie ' || any_value(toegewezen_categorie)
    ) || '.' as message
from flagged
group by gemeente_code, aanbieder_agb, toewijzing_nummer, bsn, begindatum
