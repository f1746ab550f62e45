-- rule: noshow.tijdig_afgezegd
-- title: No-show gedeclareerd terwijl de cliënt meer dan 24 uur van tevoren had afgezegd
-- source: seed 000 "Voorstel SDD no-show", Niet declareren: "Als de inwoner de afspraak > 24 uur
--   van tevoren afbelt"; RULES.md §2
-- uitleg: Een afspraak die de cliënt meer dan 24 uur van tevoren heeft afgezegd, is niet declarabel.
-- actie: crediteren
-- grondslag: Voorstel SDD no-show (niet declareren bij afzeggen meer dan 24 uur van tevoren)
-- severity: midden
-- version: 1
-- reads: models.noshow_beoordeling
-- reading: the no-shows of models.noshow_beoordeling with reden tijdig_afgezegd: cancelled more
--   than afzeg_uren before gepland_begin (exactly 24 h is still claimable; compared to the
--   second); none of the minutes are claimable, so only no-shows with minutes claimed (> 0) are
--   flagged. A no-show counts once: this reden comes first (also when the appointment was not a
--   home visit, it is not also noshow.geen_huisbezoek or noshow.boven_15_minuten). One signal
--   per toewijzing and contact date (no-shows of one day are summed); period = the contact date;
--   impact = minutes × tariff / 60, half up, 0 without a time product.
with no_shows as (
    select * from models.noshow_beoordeling
    where reden = 'tijdig_afgezegd'
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
    || case when aantal = 1 then ' afspraak' else ' afspraken' end
    || ' die de cliënt al op ' || fmt_datum(afgezegd_datum) || ', meer dan '
    || fmt_num(afzeg_uren, 0) || ' uur van tevoren, had afgezegd; '
    || 'deze minuten zijn niet declarabel ('
    || if(impact_cents is null, 'bedrag onbekend', fmt_eur(impact_cents)) || ').' as message
from no_shows
