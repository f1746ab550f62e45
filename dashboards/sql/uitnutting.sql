-- query: uitnutting
-- title: Uitnutting per toewijzing ten opzichte van de lineaire norm
-- reads: models.toewijzingen, models.declaraties_netto, staging.regelparameters
-- reading: RULES.md §1. Used = net claimed in comparable units (minutes for time; euro cents
--   for budget allocations) / allocated total; norm = elapsed fraction f; ratio = used / f.
--   Only allocations in scope. Klasse uses the gemeente's prognose_drempel and
--   onderbenutting_drempel (onder only once f >= 0.5, as the rule). prognose_uitgeput =
--   ingangsdatum + allocated / (claimed per elapsed day), as in the uitnutting.prognose message;
--   null when that day falls after the validity (or nothing was claimed).
--   One row per allocation in scope (a million at scale).
with allocations as (
    select * from models.toewijzingen where in_scope
),

claims as (
    select
        gemeente_code,
        toewijzing_nummer,
        sum(volume_vergelijkbaar) filter (where eenheid_compatibel) as volume,
        sum(ingediend_bedrag_cents) as bedrag_cents
    from models.declaraties_netto
    group by gemeente_code, toewijzing_nummer
),

params as (
    select
        gemeente_code,
        coalesce(min_verstreken, 0.08) as min_verstreken,
        coalesce(prognose_drempel, 1.2) as prognose_drempel,
        coalesce(onderbenutting_drempel, 0.8) as onderbenutting_drempel
    from staging.regelparameters
),

usage as (
    select
        a.gemeente_code,
        a.toewijzing_nummer,
        a.aanbieder_agb,
        a.client_key,
        a.soort,
        coalesce(a.product_code, a.product_categorie) as product,
        a.eenheid,
        a.is_tijd,
        a.volume is null as is_budget,
        a.ingangsdatum,
        a.einddatum,
        a.geldig_tot,
        a.geldigheid_dagen,
        a.verstreken_dagen,
        a.f,
        cast(coalesce(c.bedrag_cents, 0) as bigint) as bedrag_cents,
        cast(if(a.volume is null, a.budget_cents, a.toegewezen_totaal) as double) as toegewezen,
        cast(if(a.volume is null, coalesce(c.bedrag_cents, 0), coalesce(c.volume, 0)) as double)
            as gedeclareerd,
        coalesce(p.min_verstreken, 0.08) as min_verstreken,
        coalesce(p.prognose_drempel, 1.2) as prognose_drempel,
        coalesce(p.onderbenutting_drempel, 0.8) as onderbenutting_drempel
    from allocations as a
    left join claims as c using (gemeente_code, toewijzing_nummer)
    left join params as p using (gemeente_code)
),

ratios as (
    select
        *,
        gedeclareerd / nullif(toegewezen, 0) as u,
        gedeclareerd / nullif(toegewezen, 0) / nullif(f, 0) as u_f
    from usage
)

select
    *,
    case
        when
            gedeclareerd > 0 and verstreken_dagen > 0 and toegewezen > 0
            and toegewezen * verstreken_dagen / gedeclareerd < geldigheid_dagen
            then cast(ingangsdatum + cast(floor(toegewezen * verstreken_dagen / gedeclareerd)
                as integer) as date)
    end as prognose_uitgeput,
    case
        when u_f is null or f < min_verstreken then 'te vroeg'
        when u_f >= prognose_drempel or u > 1 then 'boven norm'
        when f >= 0.5 and u_f < onderbenutting_drempel then 'onder norm'
        else 'binnen norm'
    end as klasse
from ratios
