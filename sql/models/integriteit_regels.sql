-- model: integriteit_regels
-- title: Netto declaratieregels met hun toewijzing en of de regel bij die toewijzing past
-- reads: models.declaraties_ingediend
-- materialized: view
-- reading: RULES.md §7 (one signal per problem). Every uncredited debit line, paid or rejected
--   by the back office (section 7 judges every line; the signal's afhandeling tells which), with the
--   allocation of the same gemeente + toewijzing_nummer (latest version) and `koppeling`, the
--   first problem of the line against its allocation: 'geen_toewijzing' (no allocation with that
--   number in that gemeente), 'verwijderd' (the allocation has reden_wijziging 13, whatever the
--   dates), 'ander_product' (product_categorie differs, or product_code differs while the
--   allocation names one; a category-level allocation accepts any code of its category) and
--   else 'bruikbaar'. A usable line can still have an incompatible unit (eenheid_compatibel),
--   lie outside the validity (binnen_geldigheid: begindatum >= ingangsdatum and einddatum <=
--   einddatum when that is filled), or fail the zorgmelding, amount, tariff or month checks.
--   A view: models.declaraties_ingediend already carries the allocation's columns, and each reader
--   filters (usually koppeling = 'bruikbaar' plus its own test) while it scans that table; a
--   table would write 9,6 M rows at 10 M claim lines (~11 CPU-s) for a handful of findings.
with judged as (
    -- only the columns that integriteit rules and models read
    select
        _volgnr,
        gemeente_code,
        aanbieder_agb,
        toewijzing_nummer,
        client_key,
        referentie_nummer,
        product_categorie,
        product_code,
        begindatum,
        einddatum,
        geleverd_volume,
        eenheid,
        product_tarief_cents,
        contract_tarief_cents,
        ingediend_bedrag_cents,
        eenheid_compatibel,
        toewijzing_gevonden,
        toewijzing_reden_wijziging,
        ingangsdatum,
        toewijzing_einddatum,
        product_categorie = toewijzing_product_categorie
        and (
            toewijzing_product_code is null
            or product_code is not distinct from toewijzing_product_code
        ) as zelfde_product
    from models.declaraties_ingediend
)

select
    * exclude (zelfde_product, toewijzing_gevonden, toewijzing_reden_wijziging),
    case
        when not toewijzing_gevonden then 'geen_toewijzing'
        when toewijzing_reden_wijziging = '13' then 'verwijderd'
        when not zelfde_product then 'ander_product'
        when zelfde_product then 'bruikbaar'
    end as koppeling,
    begindatum >= ingangsdatum
    and (toewijzing_einddatum is null or einddatum <= toewijzing_einddatum) as binnen_geldigheid
from judged
