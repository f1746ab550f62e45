-- model: integriteit_regels
-- title: Netto declaratieregels met hun toewijzing en of de regel bij die toewijzing past
-- reads: models.declaraties_netto, models.toewijzingen
-- reading: RULES.md §7 (one signal per problem). Every net (uncredited) debit line with the
--   allocation of the same gemeente + toewijzing_nummer (latest version) and `koppeling`, the
--   first problem of the line against its allocation: 'geen_toewijzing' (no allocation with that
--   number in that gemeente), 'verwijderd' (the allocation has reden_wijziging 13, whatever the
--   dates), 'ander_product' (product_categorie differs, or product_code differs while the
--   allocation names one; a category-level allocation accepts any code of its category) and
--   else 'bruikbaar'. A usable line can still have an incompatible unit (eenheid_compatibel),
--   lie outside the validity (binnen_geldigheid: begindatum >= ingangsdatum and einddatum <=
--   einddatum when that is filled), or fail the zorgmelding, amount, tariff or month checks.
with joined as (
    -- only the columns that integriteit rules and models read (writing wide rows costs most)
    select
        c._volgnr,
        c.gemeente_code,
        c.aanbieder_agb,
        c.toewijzing_nummer,
        c.bsn,
        c.referentie_nummer,
        c.product_categorie,
        c.product_code,
        c.begindatum,
        c.einddatum,
        c.geleverd_volume,
        c.eenheid,
        c.product_tarief_cents,
        c.contract_tarief_cents,
        c.ingediend_bedrag_cents,
        c.eenheid_compatibel,
        c.toewijzing_gevonden,
        a.reden_wijziging as toewijzing_reden_wijziging,
        a.ingangsdatum,
        a.einddatum as toewijzing_einddatum,
        c.product_categorie = a.product_categorie
        and (a.product_code is null or c.product_code is not distinct from a.product_code)
            as zelfde_product
    from models.declaraties_netto as c
    left join models.toewijzingen as a
        on c.gemeente_code = a.gemeente_code and c.toewijzing_nummer = a.toewijzing_nummer
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
from joined
