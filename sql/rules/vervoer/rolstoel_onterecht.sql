-- rule: vervoer.rolstoel_onterecht
-- title: Rolstoelvervoer gedeclareerd voor een cliënt die niet in een rolstoel reist
-- source: seed 002 §5.4.4 (lines 4737-4744), §5.4.5 voorbeeld 1 (lines 4786-4789), §5.4.6 (lines
--   4798-4821); seed 001 "Vervoer van en naar dagbesteding" (Vervoer Rolstoel, lines 140-152)
-- uitleg: Rolstoelvervoer is alleen declarabel voor een cliënt die in de eigen rolstoel reist; anders geldt het tarief van regulier vervoer.
-- actie: corrigeren en opnieuw declareren
-- grondslag: Beleidsregels Jeugdhulp en Wmo 2026 gemeente Geldrop-Mierlo, §5.4.4 tot en met §5.4.6 (vervoer)
-- severity: midden
-- version: 1
-- reads: models.vervoer_ritten, staging.vervoer_staffels
-- reading: RULES.md §4. A claim of a product with soort vervoer_rolstoel while reisafstanden
--   (models.vervoer_ritten: joined on the claim's client_key + aanbieder_agb; the last row
--   delivered counts) has rolstoel = false. No reisafstand is vervoer.buiten_staffel, not this
--   rule. impact = (staffel tariff of the claimed wheelchair product - tariff of the regular band
--   that contains the claimed band's km_van, valid on begindatum) x trips, never negative; the
--   distance band itself is vervoer.staffel_te_hoog's business. One signal per toewijzing and
--   begindatum (day lines: the day; period lines: their begindatum).
with trips as (
    select * from models.vervoer_ritten
    where rolstoel_product and afstand_bekend and not rolstoel_client
),

staffels as (
    select * from staging.vervoer_staffels
),

wheelchair_trips as (
    select
        t.*,
        r.product_code as regulier_code,
        r.tarief_cents as regulier_tarief
    from trips as t
    left join staffels as r
        on
            t.gemeente_code = r.gemeente_code
            and not r.rolstoel
            and t.begindatum >= r.geldig_van
            and (r.geldig_tot is null or t.begindatum <= r.geldig_tot)
            and t.claimed_van >= r.km_van
            and t.claimed_van < r.km_tot
),

findings as (
    select
        gemeente_code,
        aanbieder_agb,
        toewijzing_nummer,
        client_key,
        begindatum as period_start,
        max(einddatum) as period_end,
        string_agg(
            distinct product_code || coalesce(
                ', staffel ' || fmt_num(claimed_van, 0) || '–' || fmt_num(claimed_tot, 0)
                || ' km', ''
            ), '; '
        ) as gedeclareerd,
        string_agg(distinct regulier_code, ', ') as regulier_codes,
        sum(geleverd_volume) as ritten,
        sum(
            greatest(coalesce(claimed_tarief - regulier_tarief, 0), 0) * geleverd_volume
        ) as impact_cents,
        list(referentie_nummer order by referentie_nummer) as evidence
    from wheelchair_trips
    group by gemeente_code, aanbieder_agb, toewijzing_nummer, client_key, begindatum
)

select
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    client_key,
    period_start,
    period_end,
    cast(ritten as double) as measured,
    0.0 as threshold,
    'retourritten' as unit,
    cast(impact_cents as bigint) as impact_cents,
    evidence,
    'Rolstoelvervoer gedeclareerd (' || gedeclareerd || ') terwijl de cliënt volgens de '
    || 'reisafstanden niet in een rolstoel reist: '
    || fmt_eur(if(ritten > 0, round_half_up(impact_cents / ritten), 0))
    || ' per rit verschil met regulier vervoer'
    || coalesce(' (' || regulier_codes || ')', '') || ', ' || fmt_num(ritten, 0)
    || if(ritten = 1, ' rit', ' ritten') || ', totaal ' || fmt_eur(impact_cents) || '.' as message
from findings
