-- rule: stapeling.niet_toegestaan
-- title: Toewijzingen van één cliënt die volgens de stapelmatrix niet samen mogen
-- source: seed 002 productkaarten, Stapelmatrix (lines 4971-5060, 5118, 5255, 5338, 5526:
--   B1/B2/B3 onderling niet, geen van beide met beschermd wonen, D1 niet met D2); RULES.md §6
-- uitleg: Volgens de stapelmatrix mogen deze voorzieningen niet tegelijk aan één cliënt zijn toegewezen.
-- actie: toelichten
-- grondslag: Beleidsregels Jeugdhulp en Wmo 2026 gemeente Geldrop-Mierlo, productkaarten: stapelmatrix
-- severity: midden
-- version: 1
-- reads: models.toewijzingen, staging.stapelregels
-- reading: allocations in scope (not reden 13, started by peildatum) of one client_key in one
--   gemeente, with the stapelregels of that gemeente (a pair applies in both directions). An
--   allocation matches a side of a pair by its soort (category-level: 'categorie:<cc>'),
--   product_code or product_categorie. Overlap = [greatest(ingangsdatum), least(einddatum)],
--   open-ended = no end. One row per allocation and overlap start (several conflicting partners
--   from the same day are one finding); both allocations of a pair get a row (RULES.md "Which
--   toewijzing a signal names"). period_start = first overlapping day, period_end = last (null when
--   both are open-ended); measured = overlapping days up to peildatum for open ends; evidence = the
--   toewijzing_nummers involved; not financial (impact 0): which of the two is wrong is a matter
--   for the consulent.
with allocations as (
    select
        *,
        list_filter([soort, product_code, product_categorie], lambda k: k is not null) as sleutels
    from models.toewijzingen
    where in_scope
),

pairs as (
    select gemeente_code, soort_of_code_a as a, soort_of_code_b as b from staging.stapelregels
    union
    select gemeente_code, soort_of_code_b as a, soort_of_code_a as b from staging.stapelregels
),

conflicts as (
    select distinct
        x.gemeente_code,
        x.aanbieder_agb,
        x.toewijzing_nummer,
        x.client_key,
        coalesce(x.product_code, 'categorie ' || x.product_categorie) as product,
        y.toewijzing_nummer as ander_nummer,
        coalesce(y.product_code, 'categorie ' || y.product_categorie) as ander_product,
        greatest(x.ingangsdatum, y.ingangsdatum) as overlap_start,
        case
            when x.einddatum is null then y.einddatum
            when y.einddatum is null then x.einddatum
            else least(x.einddatum, y.einddatum)
        end as overlap_eind
    from allocations as x
    inner join allocations as y
        on
            x.gemeente_code = y.gemeente_code
            and x.client_key = y.client_key
            and x.toewijzing_nummer <> y.toewijzing_nummer
            and x.ingangsdatum <= coalesce(y.einddatum, date '9999-12-31')
            and y.ingangsdatum <= coalesce(x.einddatum, date '9999-12-31')
    inner join pairs as p
        on
            p.gemeente_code = x.gemeente_code
            and list_contains(x.sleutels, p.a)
            and list_contains(y.sleutels, p.b)
),

per_allocation as (
    select
        gemeente_code,
        aanbieder_agb,
        toewijzing_nummer,
        client_key,
        overlap_start,
        any_value(product) as product,
        max(coalesce(overlap_eind, date '9999-12-31')) as overlap_eind,
        list(distinct ander_nummer order by ander_nummer) as andere_nummers,
        string_agg(
            distinct ander_nummer || ' (' || ander_product || ')', ', '
            order by ander_nummer || ' (' || ander_product || ')'
        ) as andere
    from conflicts
    group by gemeente_code, aanbieder_agb, toewijzing_nummer, client_key, overlap_start
)

select
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    client_key,
    overlap_start as period_start,
    nullif(overlap_eind, date '9999-12-31') as period_end,
    cast(
        datediff(
            'day',
            overlap_start,
            if(overlap_eind = date '9999-12-31', getvariable('peildatum'), overlap_eind)
        ) + 1 as double
    ) as measured,
    0.0 as threshold,
    'dagen' as unit,
    cast(0 as bigint) as impact_cents,
    list_concat([toewijzing_nummer], andere_nummers) as evidence,
    'Toewijzing ' || toewijzing_nummer || ' (' || product || ') overlapt vanaf '
    || fmt_datum(overlap_start)
    || if(
        overlap_eind = date '9999-12-31', '', ' t/m ' || fmt_datum(overlap_eind)
    )
    || ' met toewijzing ' || andere || ' van dezelfde cliënt; volgens de stapelmatrix mogen'
    || ' deze niet samen worden toegewezen.' as message
from per_allocation
