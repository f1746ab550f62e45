-- rule: vervoer.staffel_te_hoog
-- title: Vervoer gedeclareerd in een hogere kilometerstaffel dan de reisafstand
-- source: seed 001 "Vervoer van en naar dagbesteding" (lines 138-152); seed 002 §5.4.5 voorbeeld 1
--   en 2 (lines 4786-4796), §5.4.6 (lines 4798-4821), productkaart Vervoer Dagbesteding (lines
--   5376-5405)
-- uitleg: Vervoer wordt vergoed in de kilometerstaffel van de reisafstand (of van de dichtstbijzijnde passende locatie); gedeclareerd is een hogere staffel.
-- actie: corrigeren en opnieuw declareren
-- grondslag: Handelingskader Wmo Verblijf, Vervoer van en naar dagbesteding; Beleidsregels Jeugdhulp en Wmo 2026 gemeente Geldrop-Mierlo, §5.4.5
-- severity: midden
-- version: 1
-- reads: models.vervoer_ritten
-- reading: RULES.md §4. Effective distance, rounding (vervoer_km_afronden), claimed band and the
--   band of the effective distance in the staffel of the claimed product's rolstoel flag come from
--   models.vervoer_ritten. Signal when the claimed band's km_van is higher than the correct band's.
--   The claimed tariff is the staffel tariff of the claimed product (a different tariff on the
--   claim is integriteit.tarief_afwijkend); impact = tariff difference x trips, never negative. A
--   distance outside every band, or no distance, is vervoer.buiten_staffel. One signal per
--   toewijzing and begindatum (day lines: the day; period lines: their begindatum).
with trips as (
    select * from models.vervoer_ritten
),

compared as (
    select * from trips
    where claimed_van > correct_van
),

findings as (
    select
        gemeente_code,
        aanbieder_agb,
        toewijzing_nummer,
        client_key,
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
