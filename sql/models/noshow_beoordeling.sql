-- model: noshow_beoordeling
-- title: Niet-declarabele no-showminuten per toewijzing, dag en reden
-- reads: staging.contactmomenten, models.toewijzingen, staging.producten, staging.regelparameters
-- reading: RULES.md §2. Contacts of soort no_show match allocations on toewijzing_nummer +
--   client_key; a contact without allocation is not judged. A no-show counts once (the money is
--   counted once), in this order: cancelled more than afzeg_uren before gepland_begin (exactly 24 h
--   is still claimable; compared to the second) → reden 'tijdig_afgezegd'; else not a home visit
--   ("dichte deur" needs a planned home visit) → 'geen_huisbezoek'; else 'huisbezoek' (the visit
--   itself was claimable). Non-claimable minutes: all claimed minutes for tijdig_afgezegd and
--   geen_huisbezoek, the excess over noshow_max_minuten for huisbezoek; only no-shows with
--   non-claimable minutes (> 0) are kept. One row per toewijzing, contact date and reden (no-shows
--   of one day are summed, each huisbezoek may claim noshow_max_minuten). The tariff is the
--   producten row of the allocation's product valid on the contact date, per hour for time products
--   (eenheid 01/04); impact = non-claimable minutes × tariff / 60, half up; null when the
--   allocation has no time product (category-level or other unit).
with contacts as (
    select * from staging.contactmomenten
),

allocations as (
    select * from models.toewijzingen
),

products as (
    select * from staging.producten
),

parameters as (
    select gemeente_code, noshow_max_minuten, afzeg_uren from staging.regelparameters
),

no_shows as (
    select
        t.gemeente_code,
        t.aanbieder_agb,
        t.toewijzing_nummer,
        t.client_key,
        t.product_code,
        c.contact_id,
        c.gepland_begin,
        cast(c.gepland_begin as date) as contact_datum,
        c.minuten_gedeclareerd,
        c.kanaal,
        c.afgezegd_op,
        p.afzeg_uren,
        p.noshow_max_minuten,
        c.afgezegd_op is not null
        and date_diff('second', c.afgezegd_op, c.gepland_begin) > p.afzeg_uren * 3600
            as tijdig_afgezegd,
        c.kanaal <> 'huisbezoek' as geen_huisbezoek
    from contacts as c
    inner join allocations as t using (toewijzing_nummer, client_key)
    inner join parameters as p using (gemeente_code)
    where c.soort = 'no_show'
),

judged as (
    -- null (not judged) when a flag is unknown, as a filter on the flags would leave it out
    select
        *,
        case
            when tijdig_afgezegd then 'tijdig_afgezegd'
            when not tijdig_afgezegd and geen_huisbezoek then 'geen_huisbezoek'
            when not tijdig_afgezegd and not geen_huisbezoek then 'huisbezoek'
        end as reden
    from no_shows
),

not_claimable as (
    select
        *,
        case
            when reden = 'huisbezoek' then noshow_max_minuten
            else 0
        end as minuten_declarabel,
        case
            when reden = 'huisbezoek' then minuten_gedeclareerd - noshow_max_minuten
            else minuten_gedeclareerd
        end as minuten_niet_declarabel
    from judged
    where reden is not null
),

per_day as (
    select
        gemeente_code,
        aanbieder_agb,
        toewijzing_nummer,
        client_key,
        product_code,
        contact_datum,
        reden,
        count(*) as aantal,
        sum(minuten_gedeclareerd) as minuten,
        sum(minuten_declarabel) as minuten_declarabel,
        sum(minuten_niet_declarabel) as minuten_niet_declarabel,
        string_agg(distinct kanaal, ', ' order by kanaal) as kanalen,
        any_value(afzeg_uren) as afzeg_uren,
        min(cast(afgezegd_op as date)) as afgezegd_datum,
        list(contact_id order by gepland_begin, contact_id) as contact_ids
    from not_claimable
    where minuten_niet_declarabel > 0
    group by all
)

select
    d.*,
    pr.tarief_cents,
    round_half_up(d.minuten_niet_declarabel * pr.tarief_cents / 60.0) as impact_cents
from per_day as d
left join products as pr
    on
        d.gemeente_code = pr.gemeente_code
        and d.product_code = pr.product_code
        and pr.eenheid in ('01', '04')
        and d.contact_datum >= pr.geldig_van
        and (pr.geldig_tot is null or d.contact_datum <= pr.geldig_tot)
qualify row_number() over (
    partition by d.gemeente_code, d.toewijzing_nummer, d.contact_datum, d.reden
    order by pr.geldig_van desc nulls last
) = 1
