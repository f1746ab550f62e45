-- rule: noshow.geen_huisbezoek
-- title: No-show gedeclareerd voor een afspraak die geen huisbezoek was
-- source: seed 000 "Voorstel SDD no-show" (15 minuten declareren bij dichte deur; wel declareren:
--   "(Gepland) huisbezoek waarbij geen contact tot stand komt"); RULES.md §2
-- severity: midden
-- version: 1
-- reads: staging.contactmomenten, models.toewijzingen, staging.producten, staging.regelparameters
-- reading: "dichte deur" needs a planned home visit: a no-show with kanaal other than
--   huisbezoek has no claimable minutes, so only no-shows with minutes claimed (> 0) are flagged.
--   A no-show counts once: one cancelled more than afzeg_uren ahead is noshow.tijdig_afgezegd
--   only; a no-show flagged here is never also noshow.boven_15_minuten. One signal per
--   toewijzing and contact date (no-shows of one day are summed); period = the contact date.
--   Contacts match allocations on toewijzing_nummer + bsn. The tariff is the producten row of the
--   allocation's product on the contact date (per hour, time products only, else impact 0);
--   impact = minutes × tariff / 60, half up.
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
        c.kanaal,
        c.afgezegd_op,
        p.afzeg_uren,
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
        minuten_gedeclareerd as minuten_onterecht
    from no_shows
    where
        not tijdig_afgezegd
        and geen_huisbezoek
        and minuten_gedeclareerd > 0
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
        0 as minuten_declarabel,
        string_agg(distinct kanaal, ', ' order by kanaal) as kanalen,
        sum(minuten_onterecht) as minuten_onterecht,
        list(contact_id order by gepland_begin, contact_id) as contact_ids
    from flagged
    group by all
),

with_tariff as (
    select
        d.*,
        round_half_up(d.minuten_onterecht * pr.tarief_cents / 60.0) as impact
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
    'Op ' || fmt_datum(contact_datum) || ' is ' || fmt_num(minuten, 0)
    || ' minuten no-show gedeclareerd voor ' || aantal
    || case when aantal = 1 then ' afspraak' else ' afspraken' end || ' via ' || kanalen
    || ', terwijl een no-show (dichte deur) alleen bij een gepland huisbezoek declarabel is; '
    || 'deze minuten zijn niet declarabel ('
    || if(impact is null, 'bedrag onbekend', fmt_eur(impact)) || ').' as message
from with_tariff
