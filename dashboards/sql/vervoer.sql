-- query: vervoer
-- title: Retourritten per aanbieder: gedeclareerde kilometerstaffel tegen de staffel volgens de reisafstand
-- reads: models.declaraties_netto, staging.vervoer_staffels, staging.reisafstanden,
--   staging.regelparameters
-- reading: RULES.md §4, as rule vervoer.staffel_te_hoog. Effective distance = enkele_reis_km, or
--   the nearest suitable location when the trip is longer than max_km_passend and that location
--   is nearer; with vervoer_km_afronden both km are first rounded half up to whole km. The correct band
--   is looked up in the staffel with the claimed product's rolstoel flag. meerkosten =
--   (claimed tariff - tariff of the correct band) x trips, for trips in a higher band.
--   Scale: the verdict of a claim line depends only on gemeente, provider, client, product and
--   which staffels are valid on its begindatum. So the lines are first summed per those keys and
--   per validity epoch (dates between two geldig_van / geldig_tot + 1 boundaries see the same
--   staffels), and the band lookups run on those sums (thousands of rows, not millions).
with lines as (
    select * from models.declaraties_netto where soort in ('vervoer', 'vervoer_rolstoel')
),

staffels as (
    select * from staging.vervoer_staffels
),

bounds as (
    select geldig_van as dag from staffels
    union
    select geldig_tot + 1 from staffels where geldig_tot is not null
),

epochs as (
    select d.begindatum, count(b.dag) as epoch
    from (select distinct begindatum from lines) as d
    left join bounds as b on b.dag <= d.begindatum
    group by d.begindatum
),

trips as (
    select
        row_number() over () as _volgnr,
        l.gemeente_code,
        l.aanbieder_agb,
        l.bsn,
        l.product_code,
        min(l.begindatum) as begindatum,
        sum(l.geleverd_volume) as geleverd_volume,
        sum(l.ingediend_bedrag_cents) as ingediend_bedrag_cents
    from lines as l
    left join epochs as e on l.begindatum = e.begindatum
    group by l.gemeente_code, l.aanbieder_agb, l.bsn, l.product_code, e.epoch
),

claimed as (
    select
        t.*,
        s.rolstoel,
        s.km_van as claimed_van,
        s.km_tot as claimed_tot,
        s.tarief_cents as claimed_tarief
    from trips as t
    left join staffels as s
        on
            t.gemeente_code = s.gemeente_code
            and t.product_code = s.product_code
            and t.begindatum >= s.geldig_van
            and (s.geldig_tot is null or t.begindatum <= s.geldig_tot)
    qualify row_number() over (partition by t._volgnr order by s.geldig_van desc nulls last) = 1
),

distances as (
    select * from staging.reisafstanden
    qualify row_number() over (partition by bsn, aanbieder_agb order by _volgnr desc) = 1
),

rounded as (
    select
        c.*,
        coalesce(p.max_km_passend, 10) as max_km_passend,
        if(p.vervoer_km_afronden, round_half_up(d.enkele_reis_km), d.enkele_reis_km) as km_reis,
        if(
            p.vervoer_km_afronden,
            round_half_up(d.km_dichtstbijzijnde_passende_locatie),
            d.km_dichtstbijzijnde_passende_locatie
        ) as km_alternatief
    from claimed as c
    left join distances as d using (bsn, aanbieder_agb)
    left join staging.regelparameters as p using (gemeente_code)
),

effective as (
    select
        *,
        if(
            coalesce(km_reis > max_km_passend and km_alternatief < km_reis, false),
            km_alternatief,
            km_reis
        ) as km
    from rounded
),

correct as (
    select
        e.*,
        s.km_van as juist_van,
        s.km_tot as juist_tot,
        s.tarief_cents as juist_tarief
    from effective as e
    left join staffels as s
        on
            e.gemeente_code = s.gemeente_code
            and e.rolstoel = s.rolstoel
            and e.km >= s.km_van
            and e.km < s.km_tot
            and e.begindatum >= s.geldig_van
            and (s.geldig_tot is null or e.begindatum <= s.geldig_tot)
    qualify row_number() over (partition by e._volgnr order by s.geldig_van desc nulls last) = 1
),

judged as (
    select
        *,
        case
            when claimed_van is null then 'staffel onbekend'
            when km is null then 'afstand onbekend'
            when juist_van is null then 'buiten staffel'
            when claimed_van > juist_van then 'hogere staffel'
            when claimed_van < juist_van then 'lagere staffel'
            else 'juiste staffel'
        end as oordeel
    from correct
)

select
    aanbieder_agb,
    gemeente_code,
    coalesce(rolstoel, false) as rolstoel,
    claimed_van,
    juist_van,
    if(claimed_van is null, 'onbekend (' || product_code || ')',
        if(rolstoel, 'rolstoel ', '') || fmt_num(claimed_van, 0) || '–'
        || fmt_num(claimed_tot, 0) || ' km') as gedeclareerde_staffel,
    case
        when km is null then 'afstand onbekend'
        when juist_van is null then 'buiten staffel'
        else if(rolstoel, 'rolstoel ', '') || fmt_num(juist_van, 0) || '–'
            || fmt_num(juist_tot, 0) || ' km'
    end as staffel_volgens_afstand,
    oordeel,
    cast(sum(geleverd_volume) as bigint) as ritten,
    cast(sum(ingediend_bedrag_cents) as bigint) as bedrag_cents,
    cast(coalesce(sum(greatest(claimed_tarief - juist_tarief, 0) * geleverd_volume)
        filter (where oordeel = 'hogere staffel'), 0) as bigint) as meerkosten_cents,
    count(distinct bsn) as clienten
from judged
group by all
