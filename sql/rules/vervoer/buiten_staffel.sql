-- rule: vervoer.buiten_staffel
-- title: Vervoer gedeclareerd terwijl de reisafstand buiten de staffel valt of onbekend is
-- source: seed 001 "Vervoer van en naar dagbesteding" (lines 138-152, bands up to 31 km); seed 002
--   §5.4.6 (lines 4798-4821, bands up to 40 km regular and 30 km wheelchair)
-- uitleg: De reisafstand valt buiten de vervoersstaffel of is niet bekend, zodat het gedeclareerde vervoer niet te toetsen is.
-- actie: toelichten
-- grondslag: Handelingskader Wmo Verblijf, Vervoer van en naar dagbesteding (staffels tot 31 km)
-- severity: laag
-- version: 1
-- reads: models.vervoer_ritten, staging.vervoer_staffels
-- reading: RULES.md §4. No row in reisafstanden for the claim's client_key + aanbieder_agb, or an
--   effective distance (models.vervoer_ritten, as in vervoer.staffel_te_hoog) that lies in no band
--   of the staffel of the claimed product's rolstoel flag valid on begindatum (in practice beyond
--   the last band; also when the gemeente has no staffel). Not financial (impact 0), because the
--   gemeente has no tariff for the distance. One signal per toewijzing and begindatum.
with trips as (
    select * from models.vervoer_ritten
),

staffels as (
    select * from staging.vervoer_staffels
),

outside_lines as (
    select * from trips
    where not afstand_bekend or correct_van is null
),

last_band as (
    select
        o._volgnr,
        max(s.km_tot) as staffel_tot
    from outside_lines as o
    left join staffels as s
        on
            o.gemeente_code = s.gemeente_code
            and s.rolstoel = o.rolstoel_product
            and o.begindatum >= s.geldig_van
            and (s.geldig_tot is null or o.begindatum <= s.geldig_tot)
    group by o._volgnr
),

outside as (
    select
        o.*,
        b.staffel_tot
    from outside_lines as o
    inner join last_band as b using (_volgnr)
),

findings as (
    select
        gemeente_code,
        aanbieder_agb,
        toewijzing_nummer,
        client_key,
        begindatum as period_start,
        max(einddatum) as period_end,
        bool_and(afstand_bekend) as afstand_bekend,
        any_value(enkele_reis_km) as enkele_reis_km,
        any_value(km_effectief) as km_effectief,
        max(staffel_tot) as staffel_tot,
        any_value(rolstoel_product) as rolstoel_product,
        string_agg(distinct product_code, ', ') as producten,
        sum(geleverd_volume) as ritten,
        sum(ingediend_bedrag_cents) as bedrag_cents,
        list(referentie_nummer order by referentie_nummer) as evidence
    from outside
    group by gemeente_code, aanbieder_agb, toewijzing_nummer, client_key, begindatum
)

select
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    client_key,
    period_start,
    period_end,
    cast(km_effectief as double) as measured,
    cast(staffel_tot as double) as threshold,
    'km' as unit,
    cast(0 as bigint) as impact_cents,
    evidence,
    'Vervoer gedeclareerd (' || producten || ', ' || fmt_num(ritten, 0)
    || if(ritten = 1, ' rit, ', ' ritten, ') || fmt_eur(bedrag_cents) || ') '
    || case
        when not afstand_bekend
            then 'zonder bekende reisafstand voor deze cliënt en aanbieder, '
            || 'zodat de staffel niet te controleren is.'
        when staffel_tot is null
            then 'terwijl de gemeente geen ' || if(rolstoel_product, 'rolstoelstaffel', 'staffel')
            || ' heeft voor de reisafstand van ' || fmt_num(enkele_reis_km, 1) || ' km.'
        else 'terwijl de reisafstand ' || fmt_num(km_effectief, 1) || ' km buiten de '
            || if(rolstoel_product, 'rolstoelstaffel', 'staffel') || ' valt (tot '
            || fmt_num(staffel_tot, 0) || ' km).'
    end as message
from findings
