-- rule: vervoer.buiten_staffel
-- title: Vervoer gedeclareerd terwijl de reisafstand buiten de staffel valt of onbekend is
-- source: seed 001 "Vervoer van en naar dagbesteding" (lines 138-152, bands up to 31 km); seed 002
--   §5.4.6 (lines 4798-4821, bands up to 40 km regular and 30 km wheelchair)
-- severity: laag
-- version: 1
-- reads: models.declaraties_netto, staging.reisafstanden, staging.vervoer_staffels,
--   staging.regelparameters
-- reading: RULES.md §4. No row in reisafstanden for the claim's bsn + aanbieder_agb, or an
--   effective distance (as in vervoer.staffel_te_hoog, rounded to whole km where
--   vervoer_km_afronden) that lies in no band of the staffel of the claimed product's rolstoel flag
--   valid on begindatum (in practice beyond the last band; also when the gemeente has no staffel).
--   Not financial (impact 0), because the gemeente has no tariff for the distance. One signal per
--   toewijzing and begindatum.
with claim_lines as (
    select * from models.declaraties_netto
    where soort in ('vervoer', 'vervoer_rolstoel')
),

distances as (
    select * from staging.reisafstanden
    qualify row_number() over (partition by bsn, aanbieder_agb order by _volgnr desc) = 1
),

staffels as (
    select * from staging.vervoer_staffels
),

parameters as (
    select gemeente_code, max_km_passend, vervoer_km_afronden from staging.regelparameters
),

trips as (
    select
        c.gemeente_code,
        c.aanbieder_agb,
        c.toewijzing_nummer,
        c.bsn,
        c.begindatum,
        c.einddatum,
        c._volgnr,
        c.referentie_nummer,
        c.product_code,
        c.geleverd_volume,
        c.ingediend_bedrag_cents,
        c.soort = 'vervoer_rolstoel' as rolstoel_product,
        d.bsn is not null as afstand_bekend,
        d.enkele_reis_km,
        if(p.vervoer_km_afronden, round_half_up(d.enkele_reis_km), d.enkele_reis_km) as km_reis,
        if(
            p.vervoer_km_afronden,
            round_half_up(d.km_dichtstbijzijnde_passende_locatie),
            d.km_dichtstbijzijnde_passende_locatie
        ) as km_alternatief,
        p.max_km_passend
    from claim_lines as c
    left join distances as d using (bsn, aanbieder_agb)
    inner join parameters as p using (gemeente_code)
),

effective as (
    select
        *,
        if(
            coalesce(km_reis > max_km_passend and km_alternatief < km_reis, false),
            km_alternatief,
            km_reis
        ) as km_effectief
    from trips
),

last_band as (
    select
        e._volgnr,
        max(s.km_tot) as staffel_tot,
        bool_or(e.km_effectief >= s.km_van and e.km_effectief < s.km_tot) as in_staffel
    from effective as e
    left join staffels as s
        on
            e.gemeente_code = s.gemeente_code
            and s.rolstoel = e.rolstoel_product
            and e.begindatum >= s.geldig_van
            and (s.geldig_tot is null or e.begindatum <= s.geldig_tot)
    group by e._volgnr
),

outside as (
    select
        e.*,
        b.staffel_tot
    from effective as e
    inner join last_band as b using (_volgnr)
    where not e.afstand_bekend or not coalesce(b.in_staffel, false)
),

findings as (
    select
        gemeente_code,
        aanbieder_agb,
        toewijzing_nummer,
        bsn,
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
    group by gemeente_code, aanbieder_agb, toewijzing_nummer, bsn, begindatum
)

select
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    bsn,
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
