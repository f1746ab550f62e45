-- rule: noshow.boven_15_minuten
-- title: No-show (dichte deur) met meer dan 15 minuten gedeclareerd
-- source: seed 000 "Voorstel SDD no-show" (15 minuten declareren bij dichte deur); RULES.md §2
-- uitleg: Bij een gepland huisbezoek waarbij de deur dicht blijft (no-show) is maximaal 15 minuten declarabel.
-- actie: crediteren
-- grondslag: Voorstel SDD no-show (15 minuten bij een dichte deur)
-- severity: midden
-- version: 1
-- reads: models.noshow_beoordeling
-- reading: the no-shows of models.noshow_beoordeling with reden huisbezoek: the visit itself was
--   claimable (home visit, not cancelled in time), so only the excess over noshow_max_minuten is
--   flagged (a no-show cancelled in time or not a home visit is noshow.tijdig_afgezegd or
--   noshow.geen_huisbezoek only). One signal per toewijzing and contact date (several no-shows on
--   one day are summed, each may claim 15 minutes); period = the contact date; threshold = the
--   claimable minutes; impact = excess minutes × tariff / 60, half up, 0 when the allocation has
--   no time product (category-level or other unit).
with no_shows as (
    select * from models.noshow_beoordeling
    where reden = 'huisbezoek'
)

select
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    client_key,
    contact_datum as period_start,
    contact_datum as period_end,
    cast(minuten as double) as measured,
    cast(minuten_declarabel as double) as threshold,
    'minuten' as unit,
    coalesce(impact_cents, 0) as impact_cents,
    contact_ids as evidence,
    'Op ' || fmt_datum(contact_datum) || ' is voor ' || aantal
    || case when aantal = 1 then ' huisbezoek' else ' huisbezoeken' end
    || ' zonder contact (dichte deur) ' || fmt_num(minuten, 0)
    || ' minuten no-show gedeclareerd, terwijl maximaal ' || fmt_num(minuten_declarabel, 0)
    || ' minuten declarabel is; ' || fmt_num(minuten_niet_declarabel, 0)
    || case when minuten_niet_declarabel = 1 then ' minuut' else ' minuten' end || ' te veel ('
    || if(impact_cents is null, 'bedrag onbekend', fmt_eur(impact_cents)) || ').' as message
from no_shows
