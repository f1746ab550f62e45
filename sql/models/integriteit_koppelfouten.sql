-- model: integriteit_koppelfouten
-- title: Declaraties die niet bij hun toewijzing passen, per toewijzing, cliënt en begindatum
-- reads: models.integriteit_regels, models.toewijzingen
-- reading: the findings of integriteit.geen_toewijzing, na_verwijdering, product_afwijkend and
--   eenheid_afwijkend (`fout`: the line's koppeling, or 'andere_eenheid' for a usable line whose
--   unit is not compatible with the allocation's). Lines with the same gemeente, aanbieder,
--   toewijzing, client and begindatum are one finding (so the signal key is unique); bedrag =
--   their whole amount (the claim does not count), regels = one description per line, ordered by
--   referentie_nummer (with the claimed product for another product, with volume and unit for
--   another unit).
with claim_lines as (
    select * from models.integriteit_regels
),

flagged as (
    select
        *,
        case
            when koppeling = 'bruikbaar' and not eenheid_compatibel then 'andere_eenheid'
            when koppeling <> 'bruikbaar' then koppeling
        end as fout
    from claim_lines
),

described as (
    select
        *,
        referentie_nummer || ' ('
        || case fout
            when 'ander_product'
                then coalesce(product_code, 'categorie ' || product_categorie) || ', '
            when 'andere_eenheid'
                then geleverd_volume || ' '
                || case eenheid
                    when '01' then 'minuten' when '04' then 'uur' when '14' then 'etmalen'
                    when '16' then 'dagdelen' when '83' then 'euro' else 'stuks'
                end || ', eenheid ' || eenheid || ', '
            else ''
        end
        || fmt_eur(ingediend_bedrag_cents) || ', '
        || fmt_periode(begindatum, einddatum) || ')' as regel
    from flagged
    where fout is not null
),

findings as (
    select
        fout,
        gemeente_code,
        aanbieder_agb,
        toewijzing_nummer,
        client_key,
        begindatum as period_start,
        max(einddatum) as period_end,
        sum(ingediend_bedrag_cents) as bedrag_cents,
        list(referentie_nummer order by referentie_nummer) as evidence,
        count(*) as aantal,
        if(count(*) = 1, 'Declaratie ', 'Declaraties ')
        || string_agg(regel, ', ' order by referentie_nummer) as onderwerp
    from described
    group by fout, gemeente_code, aanbieder_agb, toewijzing_nummer, client_key, begindatum
)

-- the allocation's product and unit, looked up for the findings only
select
    f.*,
    a.product_code as toegewezen_product,
    a.product_categorie as toegewezen_categorie,
    a.eenheid as toewijzing_eenheid
from findings as f
left join models.toewijzingen as a using (gemeente_code, toewijzing_nummer)
