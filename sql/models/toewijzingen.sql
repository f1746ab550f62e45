-- model: toewijzingen
-- title: Toewijzingen met soort, tarief, geldigheid, verstreken fractie en toegewezen totaal
-- reads: staging.toewijzingen, staging.producten, meta.run_context
-- reading: RULES.md Conventions. Time (units 01/04) is expressed in minutes. An open-ended
--   allocation ends at peildatum for fractions (f = 1). Category-level allocations get soort
--   'categorie:<cc>'. A product code unknown in producten gets soort 'overig'; a product not
--   yet valid on ingangsdatum keeps its soort but has no contract tariff.
--   The model carries only the columns its readers use: not toewijzing_datum, _bron or _regel.
with allocations as (
    select
        toewijzing_nummer,
        gemeente_code,
        aanbieder_agb,
        client_key,
        product_categorie,
        product_code,
        ingangsdatum,
        einddatum,
        volume,
        eenheid,
        frequentie,
        budget_cents,
        reden_wijziging,
        _volgnr
    from staging.toewijzingen
),

products as (
    select * from staging.producten
),

product_at_start as (
    -- the product row valid on ingangsdatum; when none is valid yet (an allocation that starts
    -- before its product's geldig_van), the soort still comes from the nearest row, without
    -- tariff. Looked up once per distinct (gemeente, product, ingangsdatum), not per allocation.
    select
        d.gemeente_code,
        d.product_code,
        d.ingangsdatum,
        p.soort,
        case when d.ingangsdatum >= p.geldig_van
            and (p.geldig_tot is null or d.ingangsdatum <= p.geldig_tot)
            then p.tarief_cents end as tarief_cents
    from (select distinct gemeente_code, product_code, ingangsdatum from allocations) as d
    inner join products as p
        on
            d.gemeente_code = p.gemeente_code
            and d.product_code = p.product_code
    qualify row_number() over (
        partition by d.gemeente_code, d.product_code, d.ingangsdatum
        order by
            d.ingangsdatum >= p.geldig_van
            and (p.geldig_tot is null or d.ingangsdatum <= p.geldig_tot) desc,
            p.geldig_van desc
    ) = 1
),

validity as (
    select
        a.*,
        coalesce(a.einddatum, getvariable('peildatum')) as geldig_tot,
        case
            when a.product_code is null then 'categorie:' || a.product_categorie
            else coalesce(p.soort, 'overig')
        end as soort,
        p.tarief_cents,
        a.eenheid in ('01', '04') as is_tijd,
        case a.eenheid when '04' then 60 else 1 end as minuten_per_eenheid
    from allocations as a
    left join product_at_start as p using (gemeente_code, product_code, ingangsdatum)
),

measured as (
    select
        *,
        datediff('day', ingangsdatum, geldig_tot) + 1 as geldigheid_dagen,
        greatest(
            datediff('day', ingangsdatum, least(getvariable('peildatum'), geldig_tot)) + 1, 0
        ) as verstreken_dagen
    from validity
)

select
    *,
    coalesce(reden_wijziging, '') <> '13'
    and ingangsdatum <= getvariable('peildatum') as in_scope,
    verstreken_dagen / geldigheid_dagen as f,
    case frequentie
        when '6' then volume
        when '2' then volume * ceil(geldigheid_dagen / 7)
        when '4' then volume * (
            (year(geldig_tot) * 12 + month(geldig_tot))
            - (year(ingangsdatum) * 12 + month(ingangsdatum)) + 1
        )
        when '1' then volume * geldigheid_dagen
    end * minuten_per_eenheid as toegewezen_totaal
from measured
