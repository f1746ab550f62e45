-- model: vervoer_ritten
-- title: Vervoersregels met reisafstand, effectieve afstand, gedeclareerde en juiste staffel
-- reads: models.declaraties_netto, staging.reisafstanden, staging.vervoer_staffels,
--   staging.regelparameters
-- reading: RULES.md §4. One row per net claim line of soort vervoer / vervoer_rolstoel (one unit =
--   one retourrit); rolstoel_product = soort vervoer_rolstoel. reisafstanden joins on the claim's
--   client_key + aanbieder_agb; of several rows for one client_key + aanbieder the last one
--   delivered counts; no row leaves afstand_bekend false and the distance columns null. Effective
--   distance = enkele_reis_km, or the nearest suitable location's km when enkele_reis_km >
--   max_km_passend and that km is known and smaller (via_alternatief; km_gemeten is the unrounded
--   km chosen). With vervoer_km_afronden (1771, card line 5380) both km are first rounded half up
--   to whole km, so 9,5 km counts as 10 km. Claimed band (claimed_*) = the staffel row of the
--   claimed product valid on begindatum; correct band (correct_*) = the band (km_van inclusive,
--   km_tot exclusive) that contains the effective distance in the staffel of the claimed product's
--   rolstoel flag, valid on begindatum; null when there is none (no distance, beyond the last band,
--   no staffel). A staffel has one row per product and date and bands that do not overlap, so one
--   row per line.
with claim_lines as (
    select * from models.declaraties_netto
    where soort in ('vervoer', 'vervoer_rolstoel')
),

distances as (
    select * from staging.reisafstanden
    qualify row_number() over (partition by client_key, aanbieder_agb order by _volgnr desc) = 1
),

staffels as (
    select * from staging.vervoer_staffels
),

parameters as (
    -- every gemeente with claims has a row (defaults merged in)
    select gemeente_code, max_km_passend, vervoer_km_afronden from staging.regelparameters
),

trips as (
    select
        c.gemeente_code,
        c.aanbieder_agb,
        c.toewijzing_nummer,
        c.client_key,
        c.begindatum,
        c.einddatum,
        c.is_dag,
        c._volgnr,
        c.referentie_nummer,
        c.product_code,
        c.geleverd_volume,
        c.ingediend_bedrag_cents,
        c.soort = 'vervoer_rolstoel' as rolstoel_product,
        d.client_key is not null as afstand_bekend,
        d.rolstoel as rolstoel_client,
        d.enkele_reis_km,
        d.km_dichtstbijzijnde_passende_locatie as km_passend,
        p.vervoer_km_afronden as afronden,
        p.max_km_passend,
        if(p.vervoer_km_afronden, round_half_up(d.enkele_reis_km), d.enkele_reis_km) as km_reis,
        if(
            p.vervoer_km_afronden,
            round_half_up(d.km_dichtstbijzijnde_passende_locatie),
            d.km_dichtstbijzijnde_passende_locatie
        ) as km_alternatief
    from claim_lines as c
    left join distances as d using (client_key, aanbieder_agb)
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
)

select
    -- the columns the vervoer rules read (not the intermediate km_reis, km_alternatief, ...)
    e.gemeente_code,
    e.aanbieder_agb,
    e.toewijzing_nummer,
    e.client_key,
    e.begindatum,
    e.einddatum,
    e.is_dag,
    e._volgnr,
    e.referentie_nummer,
    e.product_code,
    e.geleverd_volume,
    e.ingediend_bedrag_cents,
    e.rolstoel_product,
    e.afstand_bekend,
    e.rolstoel_client,
    e.enkele_reis_km,
    e.afronden,
    e.via_alternatief,
    e.km_effectief,
    e.km_gemeten,
    s.km_van as claimed_van,
    s.km_tot as claimed_tot,
    s.tarief_cents as claimed_tarief,
    k.product_code as correct_code,
    k.km_van as correct_van,
    k.km_tot as correct_tot,
    k.tarief_cents as correct_tarief
from effective as e
left join staffels as s
    on
        e.gemeente_code = s.gemeente_code
        and e.product_code = s.product_code
        and e.begindatum >= s.geldig_van
        and (s.geldig_tot is null or e.begindatum <= s.geldig_tot)
left join staffels as k
    on
        e.gemeente_code = k.gemeente_code
        and k.rolstoel = e.rolstoel_product
        and e.begindatum >= k.geldig_van
        and (k.geldig_tot is null or e.begindatum <= k.geldig_tot)
        and e.km_effectief >= k.km_van
        and e.km_effectief < k.km_tot
