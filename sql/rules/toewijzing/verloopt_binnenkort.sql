-- rule: toewijzing.verloopt_binnenkort
-- title: Toewijzing loopt binnen 8 weken af zonder vervolgtoewijzing
-- source: seed 003 (FOT Begeleiding 17-07-2025, §4 proces en toegang en §5e: aanbieders tijdig
--   attenderen op het aflopen van beschikkingen); seed 002 line ~4968 (cliënt kan zich 8 weken
--   voor afloop van de indicatie melden) and line ~1316; RULES.md §8
-- uitleg: De toewijzing loopt binnen 8 weken af en er is nog geen vervolg; vraag tijdig een vervolg aan als de ondersteuning nodig blijft.
-- actie: toelichten
-- grondslag: Verslag overlegtafel Begeleiding 17-07-2025 (tijdig attenderen op aflopende beschikkingen); Beleidsregels Jeugdhulp en Wmo 2026 gemeente Geldrop-Mierlo (melden 8 weken voor afloop)
-- severity: laag
-- version: 1
-- reads: models.toewijzingen, staging.regelparameters
-- reading: allocations in scope (not reden 13, started by peildatum) with
--   peildatum < einddatum <= peildatum + verloop_weken × 7 days (open-ended never expire). A
--   later allocation is one of the same client (client_key, any gemeente or provider), not deleted
--   (reden 13), with an ingangsdatum after this one's (it need not have started yet) and of the
--   same soort: equal soort, or, when either of the two is category-level, the same
--   product_categorie (a category-level allocation covers every product of its category).
--   One signal per allocation, period = its validity; measured = days until einddatum,
--   threshold = verloop_weken × 7, impact 0, no evidence lines.
with allocations as (
    select * from models.toewijzingen
),

parameters as (
    select gemeente_code, verloop_weken from staging.regelparameters
),

expiring as (
    select
        a.*,
        p.verloop_weken,
        datediff('day', getvariable('peildatum'), a.einddatum) as dagen_tot_einde
    from allocations as a
    inner join parameters as p using (gemeente_code)
    where
        a.in_scope
        and a.einddatum > getvariable('peildatum')
        and a.einddatum <= getvariable('peildatum') + cast(7 * p.verloop_weken as integer)
),

flagged as (
    select e.*
    from expiring as e
    where not exists (
        select 1
        from allocations as l
        where
            l.client_key = e.client_key
            and coalesce(l.reden_wijziging, '') <> '13'
            and l.ingangsdatum > e.ingangsdatum
            and (
                l.soort = e.soort
                or (
                    (l.product_code is null or e.product_code is null)
                    and l.product_categorie = e.product_categorie
                )
            )
    )
)

select
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    client_key,
    ingangsdatum as period_start,
    einddatum as period_end,
    cast(dagen_tot_einde as double) as measured,
    cast(7 * verloop_weken as double) as threshold,
    'dagen' as unit,
    0 as impact_cents,
    cast([] as varchar[]) as evidence,
    'Toewijzing ' || toewijzing_nummer || ' ('
    || coalesce(product_code, 'categorie ' || product_categorie) || ', '
    || fmt_datum(ingangsdatum) || ' t/m ' || fmt_datum(einddatum) || ') loopt over '
    || dagen_tot_einde || if(dagen_tot_einde = 1, ' dag', ' dagen') || ' af en de cliënt heeft '
    || 'nog geen vervolgtoewijzing; een vervolg kan vanaf ' || fmt_num(verloop_weken, 0)
    || ' weken voor de einddatum worden aangevraagd.' as message
from flagged
