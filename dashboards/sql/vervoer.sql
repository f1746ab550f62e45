-- query: vervoer
-- title: Retourritten per aanbieder: gedeclareerde kilometerstaffel tegen de staffel volgens de reisafstand
-- reads: models.vervoer_ritten
-- reading: RULES.md §4, as rule vervoer.staffel_te_hoog: the effective distance and the claimed
--   and correct bands per claim line come from models.vervoer_ritten (one implementation for the
--   rules and this page). meerkosten = (claimed tariff - tariff of the correct band) x trips, for
--   trips in a higher band. The rolstoel flag is that of the claimed product (as in the model).
with judged as (
    select
        *,
        case
            when claimed_van is null then 'staffel onbekend'
            when km_effectief is null then 'afstand onbekend'
            when correct_van is null then 'buiten staffel'
            when claimed_van > correct_van then 'hogere staffel'
            when claimed_van < correct_van then 'lagere staffel'
            else 'juiste staffel'
        end as oordeel
    from models.vervoer_ritten
),

-- per client first (sums only), the labels formatted on those rows: formatting per claim line
-- cost ~12 CPU-s at 10 M claim lines
per_client as (
    select
        aanbieder_agb,
        gemeente_code,
        rolstoel_product,
        claimed_van,
        claimed_tot,
        if(claimed_van is null, product_code, null) as onbekend_product,
        km_effectief is null as afstand_onbekend,
        correct_van,
        correct_tot,
        oordeel,
        client_key,
        sum(geleverd_volume) as ritten,
        sum(ingediend_bedrag_cents) as bedrag_cents,
        sum(greatest(claimed_tarief - correct_tarief, 0) * geleverd_volume)
            filter (where oordeel = 'hogere staffel') as meerkosten_cents
    from judged
    group by all
)

select
    aanbieder_agb,
    gemeente_code,
    rolstoel_product as rolstoel,
    claimed_van,
    correct_van as juist_van,
    if(claimed_van is null, 'onbekend (' || onbekend_product || ')',
        if(rolstoel_product, 'rolstoel ', '') || fmt_num(claimed_van, 0) || '–'
        || fmt_num(claimed_tot, 0) || ' km') as gedeclareerde_staffel,
    case
        when afstand_onbekend then 'afstand onbekend'
        when correct_van is null then 'buiten staffel'
        else if(rolstoel_product, 'rolstoel ', '') || fmt_num(correct_van, 0) || '–'
            || fmt_num(correct_tot, 0) || ' km'
    end as staffel_volgens_afstand,
    oordeel,
    cast(sum(ritten) as bigint) as ritten,
    cast(sum(bedrag_cents) as bigint) as bedrag_cents,
    cast(coalesce(sum(meerkosten_cents), 0) as bigint) as meerkosten_cents,
    count(distinct client_key) as clienten
from per_client
group by all
