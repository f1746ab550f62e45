-- rule: integriteit.tarief_afwijkend
-- title: Gedeclareerd tarief wijkt af van het contracttarief
-- source: iWmo 3.2 TR418 (ProductTarief gelijk aan het contractuele tarief van de ProductCode);
--   RULES.md §7 en Conventions (Tariffs)
-- uitleg: Het gedeclareerde tarief moet gelijk zijn aan het contracttarief van het product.
-- actie: corrigeren en opnieuw declareren
-- grondslag: iWmo 3.2 TR418 (retourcode 0611)
-- severity: midden
-- version: 1
-- reads: models.integriteit_regels
-- reading: net (uncredited) debit lines whose product_tarief differs from the contract tariff
--   (producten row of the claim's gemeente and product valid on begindatum; per hour for time
--   products, also when claimed in minutes). Lines whose product has no contract tariff on that
--   date are not judged here. impact = volume × (claimed − contract tariff), minutes / 60,
--   rounded half up, and 0 when the claimed tariff is lower. Interaction (one signal per
--   problem): not for claims without a usable allocation (unknown, deleted or another product);
--   independent of bedrag_afwijkend (that checks the arithmetic with the claim's own tariff).
--   One signal per toewijzing, client and claim begindatum; measured / threshold are the
--   claimed and contract tariff of its most deviating line.
with usable as (
    select * from models.integriteit_regels
    where koppeling = 'bruikbaar'
),

flagged as (
    select
        *,
        greatest(round_half_up(
            geleverd_volume * (product_tarief_cents - contract_tarief_cents)
            / if(eenheid = '01', 60, 1)
        ), 0) as te_veel_cents,
        referentie_nummer || ' (' || coalesce(product_code, product_categorie) || ', '
        || fmt_periode(begindatum, einddatum)
        || '): tarief ' || fmt_eur(product_tarief_cents) || ' in plaats van '
        || fmt_eur(contract_tarief_cents)
        || case
            when eenheid in ('01', '04') then ' per uur'
            when eenheid = '14' then ' per etmaal'
            when eenheid = '16' then ' per dagdeel'
            else ' per eenheid'
        end as regel
    from usable
    where product_tarief_cents <> contract_tarief_cents
)

select
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    client_key,
    begindatum as period_start,
    max(einddatum) as period_end,
    cast(arg_max(product_tarief_cents, abs(product_tarief_cents - contract_tarief_cents))
        as double) as measured,
    cast(arg_max(contract_tarief_cents, abs(product_tarief_cents - contract_tarief_cents))
        as double) as threshold,
    'eurocent' as unit,
    sum(te_veel_cents) as impact_cents,
    list(referentie_nummer order by referentie_nummer) as evidence,
    'Tarief wijkt af van het contracttarief op toewijzing ' || toewijzing_nummer || ': '
    || string_agg(regel, '; ' order by referentie_nummer)
    || if(
        sum(te_veel_cents) > 0,
        '; ' || fmt_eur(sum(te_veel_cents)) || ' meer dan tegen contracttarief.',
        '; het gedeclareerde tarief is lager dan het contracttarief.'
    ) as message
from flagged
group by gemeente_code, aanbieder_agb, toewijzing_nummer, client_key, begindatum
