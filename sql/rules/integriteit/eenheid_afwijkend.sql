-- rule: integriteit.eenheid_afwijkend
-- title: Gedeclareerde eenheid past niet bij de eenheid van de toewijzing
-- source: iWmo 3.2 TR341 (eenheid gelijk; bij toewijzing in uren mag in minuten); RULES.md §7 en
--   Conventions (Units)
-- severity: midden
-- version: 1
-- reads: models.declaraties_netto, models.toewijzingen
-- reading: net (uncredited) debit lines whose unit is not compatible with the allocation's
--   (compatible = equal, or allocation in hours 04 and claim in minutes 01). Such lines are left
--   out of the utilisation figures, so impact = the whole amount. Interaction (one signal per
--   problem): only for allocations that exist, are not deleted and have the claimed product
--   (a different product explains a different unit: product_afwijkend); independent of the
--   period and zorgmelding checks. One signal per toewijzing, client and claim begindatum.
with claim_lines as (
    select * from models.declaraties_netto
),

allocations as (
    select * from models.toewijzingen
),

flagged as (
    select
        c.*,
        c.referentie_nummer || ' (' || c.geleverd_volume || ' '
        || case c.eenheid
            when '01' then 'minuten' when '04' then 'uur' when '14' then 'etmalen'
            when '16' then 'dagdelen' when '83' then 'euro' else 'stuks'
        end || ', eenheid ' || c.eenheid || ', '
        || fmt_eur(c.ingediend_bedrag_cents) || ', '
        || if(
            c.begindatum = c.einddatum,
            fmt_datum(c.begindatum),
            fmt_datum(c.begindatum) || ' t/m ' || fmt_datum(c.einddatum)
        ) || ')' as regel
    from claim_lines as c
    inner join allocations as a
        on c.gemeente_code = a.gemeente_code and c.toewijzing_nummer = a.toewijzing_nummer
    where
        coalesce(a.reden_wijziging, '') <> '13'
        and c.product_categorie = a.product_categorie
        and (a.product_code is null or c.product_code is not distinct from a.product_code)
        and not c.eenheid_compatibel
)

select
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    bsn,
    begindatum as period_start,
    max(einddatum) as period_end,
    cast(sum(ingediend_bedrag_cents) as double) as measured,
    0.0 as threshold,
    'eurocent' as unit,
    sum(ingediend_bedrag_cents) as impact_cents,
    list(referentie_nummer order by referentie_nummer) as evidence,
    if(count(*) = 1, 'Declaratie ', 'Declaraties ')
    || string_agg(regel, ', ' order by referentie_nummer)
    || if(count(*) = 1, ' past', ' passen') || ' niet bij toewijzing ' || toewijzing_nummer
    || ' in ' || case any_value(toewijzing_eenheid)
        when '01' then 'minuten' when '04' then 'uren' when '14' then 'etmalen'
        when '16' then 'dagdelen' when '83' then 'euro''s' else 'stuks'
    end || ' (eenheid ' || any_value(toewijzing_eenheid) || ')'
    || '; dit bedrag telt niet mee in de uitnutting.' as message
from flagged
group by gemeente_code, aanbieder_agb, toewijzing_nummer, bsn, begindatum
