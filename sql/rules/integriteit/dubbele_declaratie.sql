-- rule: integriteit.dubbele_declaratie
-- title: Dubbele declaratie: zelfde toewijzing, product en periode, of een hergebruikt referentienummer
-- source: iWmo 3.2 TR389 en TR416 (geen tweede debetprestatie voor dezelfde ProductPeriode,
--   ProductCategorie, ProductCode en ToewijzingNummer zolang de eerste niet is gecrediteerd);
--   TR314 (ReferentieNummer uniek per aanbieder); RULES.md §7
-- severity: hoog
-- version: 1
-- reads: staging.declaraties, models.declaraties_netto, models.toewijzingen
-- reading: (a) two or more uncredited debit lines with the same gemeente, toewijzing,
--   product_categorie, product_code and identical period (begindatum and einddatum; overlapping
--   but different periods are not duplicates here); (b) a debit line whose referentie_nummer is
--   used by more than one line (debit or credit) of the same aanbieder: such debits are flagged
--   even when credited, because a credit naming a reused number cancels every line with it and
--   can hide a resubmission. In each duplicate set the first line (by dagtekening, then file
--   order) is the original; impact = the amounts of the later debit lines (each counted once).
--   Interaction (one signal per problem): not for claims without a usable allocation (unknown,
--   deleted or another product: the whole amount is already flagged there). One signal per
--   toewijzing, client and claim begindatum, naming all lines involved.
with all_lines as (
    select * from staging.declaraties
),

net_lines as (
    select * from models.declaraties_netto
),

allocations as (
    select * from models.toewijzingen
),

usable_debits as (
    select d.*
    from all_lines as d
    inner join allocations as a
        on d.gemeente_code = a.gemeente_code and d.toewijzing_nummer = a.toewijzing_nummer
    where
        d.debet_credit = 'D'
        and coalesce(a.reden_wijziging, '') <> '13'
        and d.product_categorie = a.product_categorie
        and (a.product_code is null or d.product_code is not distinct from a.product_code)
),

same_period as (
    select
        n._volgnr,
        count(*) over periode as regels,
        row_number() over (periode order by n.declaratie_dagtekening, n._volgnr) as volgorde
    from net_lines as n
    semi join usable_debits as u using (_volgnr)
    window periode as (
        partition by
            n.gemeente_code, n.toewijzing_nummer, n.product_categorie, n.product_code,
            n.begindatum, n.einddatum
    )
),

reference_use as (
    select
        _volgnr,
        count(*) over referentie as regels,
        row_number() over (referentie order by declaratie_dagtekening, _volgnr) as volgorde
    from all_lines
    window referentie as (partition by aanbieder_agb, referentie_nummer)
),

flagged as (
    select
        u.*,
        coalesce(p.regels, 1) > 1 as zelfde_periode,
        r.regels > 1 as zelfde_referentie,
        coalesce(p.volgorde, 1) > 1 or r.volgorde > 1 as is_herhaling
    from usable_debits as u
    inner join reference_use as r using (_volgnr)
    left join same_period as p using (_volgnr)
    where coalesce(p.regels, 1) > 1 or r.regels > 1
)

select
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    bsn,
    begindatum as period_start,
    max(einddatum) as period_end,
    cast(count(*) as double) as measured,
    1.0 as threshold,
    'declaratieregels' as unit,
    coalesce(sum(ingediend_bedrag_cents) filter (where is_herhaling), 0) as impact_cents,
    array_sort(list_distinct(list(referentie_nummer))) as evidence,
    'Dubbele declaratie op toewijzing ' || toewijzing_nummer || ': declaratieregel'
    || if(count(*) = 1, ' ', 's ')
    || string_agg(
        referentie_nummer || ' (' || coalesce(product_code, product_categorie) || ', '
        || fmt_datum(begindatum) || ' t/m ' || fmt_datum(einddatum) || ', '
        || fmt_eur(ingediend_bedrag_cents) || ')',
        ', ' order by referentie_nummer, _volgnr
    )
    || case
        when bool_or(zelfde_periode) and bool_or(zelfde_referentie)
            then ' declareren hetzelfde product voor dezelfde periode en hebben een '
            || 'referentienummer dat ook op een andere declaratieregel staat'
        when bool_or(zelfde_periode)
            then ' declareren hetzelfde product voor dezelfde periode'
        else if(count(*) = 1, ' heeft', ' hebben')
            || ' een referentienummer dat ook op een andere declaratieregel staat'
    end
    || if(
        bool_or(is_herhaling),
        '; ' || fmt_eur(sum(ingediend_bedrag_cents) filter (where is_herhaling))
        || ' is dubbel gedeclareerd.',
        '.'
    ) as message
from flagged
group by gemeente_code, aanbieder_agb, toewijzing_nummer, bsn, begindatum
