-- rule: vervoer.staffel_te_hoog
-- title: Vervoer gedeclareerd in een hogere kilometerstaffel dan de reisafstand
-- source: seed 001 "Vervoer van en naar dagbesteding" (lines 138-152); seed 002 §5.4.5 voorbeeld 1
--   en 2 (lines 4786-4796), §5.4.6 (lines 4798-4821), productkaart Vervoer Dagbesteding (lines
--   5376-5405)
-- severity: midden
-- version: 1
-- reads: models.declaraties_netto, staging.reisafstanden, staging.vervoer_staffels,
--   staging.regelparameters
-- reading: RULES.md §4. Effective distance = enkele_reis_km, or the nearest suitable location's km
--   when enkele_reis_km > max_km_passend and that km is known and smaller. With vervoer_km_afronden
--   (1771, card line 5380) both km are first rounded half up to whole km, so 9,5 km counts as 10
--   km. Bands are taken from the staffel of the claimed product's rolstoel flag (soort
--   vervoer_rolstoel), valid on begindatum. The claimed tariff is the staffel tariff of the claimed
--   product (a different tariff on the claim is integriteit.tarief_afwijkend); impact = tariff
--   difference x trips, never negative. A distance outside every band, or no distance, is
--   vervoer.buiten_staffel. Several rows in reisafstanden for one bsn + aanbieder: the last one
--   delivered counts. One signal per toewijzing and begindatum (day lines: the day; period lines:
--   their begindatum).
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
        c.referentie_nummer,
        c.product_code,
        c.geleverd_volume,
        c.soort = 'vervoer_rolstoel' as rolstoel_product,
        p.vervoer_km_afronden as afronden,
        d.enkele_reis_km,
        d.km_dichtstbijzijnde_passende_locatie as km_passend,
        if(p.vervoer_km_afronden, round_half_up(d.enkele_reis_km), d.enkele_reis_km) as km_reis,
        if(
            p.vervoer_km_afronden,
            round_half_up(d.km_dichtstbijzijnde_passende_locatie),
            d.km_dichtstbijzijnde_passende_locatie
        ) as km_alternatief,
        p.max_km_passend
    from claim_lines as c
    inner join distances as d using (bsn, aanbieder_agb)
    inner join parameters as p using (gemeente_code)
),

alternative as (
    select
        *,
        coalesce(km_reis > max_km_passend and km_alternatief < km_reis, false) as via_alternatief
    from trips
),

effective as (
    select
        *,
        if(via_alternatief, km_alternatief, km_reis) as km_effectief,
        if(via_alternatief, km_passend, enkele_reis_km) as km_gemeten
    from alternative
),

compared as (
    select
        e.*,
        s.km_van as claimed_van,
        s.km_tot as claimed_tot,
        s.tarief_cents as claimed_tarief,
        k.product_code as correct_code,
        k.km_van as correct_van,
        k.km_tot as correct_tot,
        k.tarief_cents as correct_tarief
    from effective as e
    inner join staffels as s
        on
            e.gemeente_code = s.gemeente_code
            and e.product_code = s.product_code
            and e.begindatum >= s.geldig_van
            and (s.geldig_tot is null or e.begindatum <= s.geldig_tot)
    inner join staffels as k
        on
            e.gemeente_code = k.gemeente_code
            and k.rolstoel = e.rolstoel_product
            and e.begindatum >= k.geldig_van
            and (k.geldig_tot is null or e.begindatum <= k.geldig_tot)
            and e.km_effectief >= k.km_van
            and e.km_effectief < k.km_tot
    where s.km_van > k.km_van
),

findings as (
    select
        gemeente_code,
        aanbieder_agb,
        toewijzing_nummer,
        bsn,
        begindatum as period_start,
        max(einddatum) as period_end,
        any_value(km_effectief) as km_effectief,
        any_value(km_gemeten) as km_gemeten,
        any_value(enkele_reis_km) as enkele_reis_km,
        any_value(via_alternatief) as via_alternatief,
        any_value(afronden) as afronden,
        min(claimed_van) as claimed_van,
        string_agg(
            distinct fmt_num(claimed_van, 0) || '–' || fmt_num(claimed_tot, 0) || ' km ('
            || product_code || ')', ', '
        ) as claimed_label,
        any_value(
            fmt_num(correct_van, 0) || '–' || fmt_num(correct_tot, 0) || ' km, ' || correct_code
        ) as correct_label,
        sum(geleverd_volume) as ritten,
        sum(greatest(claimed_tarief - correct_tarief, 0) * geleverd_volume) as impact_cents,
        list(referentie_nummer order by referentie_nummer) as evidence
    from compared
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
    cast(claimed_van as double) as threshold,
    'km' as unit,
    cast(impact_cents as bigint) as impact_cents,
    evidence,
    'Vervoer gedeclareerd in staffel ' || claimed_label || ' terwijl de reisafstand '
    || fmt_num(enkele_reis_km, 1) || ' km is'
    || if(
        via_alternatief,
        ' en er een passende locatie met een vrije plaats op ' || fmt_num(km_gemeten, 1)
        || ' km ligt',
        ''
    )
    || ' ('
    || if(
        afronden and km_effectief <> km_gemeten,
        'afgerond ' || fmt_num(km_effectief, 0) || ' km, ',
        ''
    )
    || 'staffel ' || correct_label || '): '
    || fmt_eur(if(ritten > 0, round_half_up(impact_cents / ritten), 0)) || ' per rit verschil, '
    || fmt_num(ritten, 0) || if(ritten = 1, ' rit', ' ritten')
    || ', totaal ' || fmt_eur(impact_cents) || '.' as message
from findings
