-- rule: noshow.geen_huisbezoek
-- title: No-show gedeclareerd voor een afspraak die geen huisbezoek was
-- source: seed 000 "Voorstel SDD no-show" (15 minuten declareren bij dichte deur; wel declareren:
--   "(Gepland) huisbezoek waarbij geen contact tot stand komt"); RULES.md §2
-- uitleg: Een no-show (dichte deur) is alleen declarabel bij een gepland huisbezoek, niet bij een afspraak per telefoon, video of op locatie.
-- actie: crediteren
-- grondslag: Voorstel SDD no-show (no-show alleen bij een gepland huisbezoek)
-- severity: midden
-- version: 1
-- reads: models.noshow_beoordeling
-- reading: the no-shows of models.noshow_beoordeling with reden geen_huisbezoek: "dichte deur"
--   needs a planned home visit, so none of the minutes are claimable and only no-shows with
--   minutes claimed (> 0) are flagged. A no-show cancelled in time is noshow.tijdig_afgezegd only;
--   a no-show flagged here is never also noshow.boven_15_minuten. One signal per toewijzing and
--   contact date (no-shows of one day are summed); period = the contact date; impact = minutes ×
--   tariff / 60, half up, 0 without a time product.
with no_shows as (
    select * from models.noshow_beoordeling
    where reden = 'geen_huisbezoek'
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
    'Op ' || fmt_datum(contact_datum) || ' is ' || fmt_num(minuten, 0)
    || ' minuten no-show gedeclareerd voor ' || aantal
    || case when aantal = 1 then ' afspraak' else ' afspraken' end || ' via ' || kanalen
    || ', terwijl een no-show (dichte deur) alleen bij een gepland huisbezoek declarabel is; '
    || 'deze minuten zijn niet declarabel ('
    || if(impact_cents is null, 'bedrag onbekend', fmt_eur(impact_cents)) || ').' as message
from no_shows
