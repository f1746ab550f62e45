-- rule: integriteit.bedrag_afwijkend
-- title: Ingediend bedrag is niet gelijk aan geleverd volume maal producttarief
-- source: iWmo 3.2 TR346 (IngediendBedrag = GeleverdVolume × ProductTarief, behalve eenheid 83;
--   bij minuten: uurtarief × volume / 60, afgerond op centen); RULES.md §7
-- uitleg: Het ingediende bedrag moet gelijk zijn aan het geleverde volume maal het producttarief.
-- actie: corrigeren en opnieuw declareren
-- grondslag: iWmo 3.2 TR346 (retourcode 9346)
-- severity: midden
-- version: 1
-- reads: models.integriteit_regels
-- reading: net (uncredited) debit lines, not in unit 83 (euro's), whose ingediend_bedrag differs
--   from geleverd_volume × product_tarief (the claim's own tariff; minutes: tariff per hour ×
--   volume / 60, rounded half up). Whether that tariff is the contract tariff is
--   tarief_afwijkend. impact = the excess over the computed amount (0 when less is claimed).
--   Interaction (one signal per problem): not for claims without a usable allocation (unknown,
--   deleted or another product: the whole amount is already flagged there); independent of the
--   period, unit and zorgmelding checks. One signal per toewijzing, client and claim begindatum.
with usable as (
    select * from models.integriteit_regels
    where koppeling = 'bruikbaar'
),

computed as (
    select
        *,
        case
            when eenheid = '01' then round_half_up(geleverd_volume * product_tarief_cents / 60)
            else geleverd_volume * product_tarief_cents
        end as berekend_cents
    from usable
    where eenheid <> '83'
),

flagged as (
    select
        *,
        greatest(ingediend_bedrag_cents - berekend_cents, 0) as te_veel_cents,
        referentie_nummer || ' ('
        || fmt_periode(begindatum, einddatum)
        || '): ingediend ' || fmt_eur(ingediend_bedrag_cents) || ', berekend '
        || geleverd_volume || ' '
        || case eenheid
            when '04' then 'uur'
            when '14' then if(geleverd_volume = 1, 'etmaal', 'etmalen')
            when '16' then if(geleverd_volume = 1, 'dagdeel', 'dagdelen')
            when '01' then if(geleverd_volume = 1, 'minuut', 'minuten')
            else 'stuks'
        end || ' × ' || fmt_eur(product_tarief_cents)
        || if(eenheid = '01', ' per uur', '') || ' = ' || fmt_eur(berekend_cents) as regel
    from computed
    where ingediend_bedrag_cents <> berekend_cents
)

select
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    client_key,
    begindatum as period_start,
    max(einddatum) as period_end,
    cast(sum(ingediend_bedrag_cents) as double) as measured,
    cast(sum(berekend_cents) as double) as threshold,
    'eurocent' as unit,
    sum(te_veel_cents) as impact_cents,
    list(referentie_nummer order by referentie_nummer) as evidence,
    'Ingediend bedrag wijkt af van volume × tarief op toewijzing ' || toewijzing_nummer || ': '
    || string_agg(regel, '; ' order by referentie_nummer) || '.' as message
from flagged
group by gemeente_code, aanbieder_agb, toewijzing_nummer, client_key, begindatum
