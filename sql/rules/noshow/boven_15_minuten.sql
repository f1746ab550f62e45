-- rule: noshow.boven_15_minuten
-- title: No-show (dichte deur) met meer dan 15 minuten gedeclareerd
-- source: seed 000 "Voorstel SDD no-show" (15 minuten declareren bij dichte deur); RULES.md §2
-- severity: midden
-- version: 1
-- reads: staging.contactmomenten, models.toewijzingen, staging.producten, staging.regelparameters
-- reading: a no-show counts once (the money is counted once): a no-show cancelled more than
--   afzeg_uren ahead is only noshow.tijdig_afgezegd, a no-show that was not a home visit is only
--   noshow.geen_huisbezoek (both take all minutes); this rule takes the excess over
--   noshow_max_minuten only of no-shows whose visit itself was claimable (home visit, not
--   cancelled in time). One signal per toewijzing and contact date (several no-shows on one day
--   are summed, each may claim 15 minutes); period = the contact date. Contacts match
--   allocations on toewijzing_nummer + bsn; a contact without allocation is not judged. The
--   tariff is the producten row of the allocation's product valid on the contact date, per hour
--   for time products (eenheid 01/04); impact = excess minutes × tariff / 60, half up; impact 0
--   when the allocation has no time product (category-level or other unit).
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
        t.bsn,
        t.product_code,
        c.contact_id,
        c.gepland_begin,
        cast(c.gepland_begin as date) as contact_datum,
        c.minuten_gedeclareerd,
        p.noshow_max_minuten,
        c.afgezegd_op is not null
        and date_diff('second', c.afgezegd_op, c.gepland_begin) > p.afzeg_uren * 3600
            as tijdig_afgezegd,
        c.kanaal <> 'huisbezoek' as geen_huisbezoek
    from contacts as c
    inner join allocations as t using (toewijzing_nummer, bsn)
    inner join parameters as p using (gemeente_code)
    where c.soort = 'no_show'
),

flagged as (
    select
        *,
        minuten_gedeclareerd - noshow_max_minuten as minuten_te_veel
    from no_shows
    where
        not tijdig_afgezegd
        and not geen_huisbezoek
        and minuten_gedeclareerd > noshow_max_minuten
),

per_day as (
    select
        gemeente_code,
        aanbieder_agb,
        toewijzing_nummer,
        bsn,
        product_code,
        contact_datum,
        count(*) as aantal,
        sum(minuten_gedeclareerd) as minuten,
        sum(noshow_max_minuten) as minuten_declarabel,
        sum(minuten_te_veel) as minuten_te_veel,
        list(contact_id order by gepland_begin, contact_id) as contact_ids
    from flagged
    group by all
),

with_tariff as (
    select
        d.*,
        round_half_up(d.minuten_te_veel * pr.tarief_cents / 60.0) as impact
    from per_day as d
    left join products as pr
        on
            d.gemeente_code = pr.gemeente_code
            and d.product_code = pr.product_code
            and pr.eenheid in ('01', '04')
            and d.contact_datum >= pr.geldig_van
            and (pr.geldig_tot is null or d.contact_datum <= pr.geldig_tot)
    qualify row_number() over (
        partition by d.gemeente_code, d.toewijzing_nummer, d.contact_datum
        order by pr.geldig_van desc nulls last
    ) = 1
)

select
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    bsn,
    contact_datum as period_start,
    contact_datum as period_end,
    cast(minuten as double) as measured,
    cast(minuten_declarabel as double) as threshold,
    'minuten' as unit,
    coalesce(impact, 0) as impact_cents,
    contact_ids as evidence,
    'Op ' || fmt_datum(contact_datum) || ' is voor ' || aantal
    || case when aantal = 1 then ' huisbezoek' else ' huisbezoeken' end
    || ' zonder contact (dichte deur) ' || fmt_num(minuten, 0)
    || ' minuten no-show gedeclareerd, terwijl maximaal ' || fmt_num(minuten_declarabel, 0)
    || ' minuten declarabel is; ' || fmt_num(minuten_te_veel, 0)
    || case when minuten_te_veel = 1 then ' minuut' else ' minuten' end || ' te veel ('
    || if(impact is null, 'bedrag onbekend', fmt_eur(impact)) || ').' as message
from with_tariff
