-- rule: bw_afwezigheid.niet_declarabel
-- title: BW-dagen gedeclareerd tijdens een afwezigheid die niet declarabel is
-- source: seed 001 "Declareren bij tijdelijke afwezigheid Beschermd Wonen" (lines 172-185); RULES.md §5
-- uitleg: Afwezigheidsdagen in beschermd wonen zijn alleen declarabel bij een ggz-opname of detentie met beoogde terugkeer en zonder andere financiering van de plek.
-- actie: crediteren
-- grondslag: Handelingskader Wmo Verblijf, Declareren bij tijdelijke afwezigheid Beschermd Wonen
-- severity: hoog
-- version: 1
-- reads: models.bw_afwezigheid_maanden
-- reading: the flagged days are the BW claim days inside an absence that is not declarabel (reden
--   not ggz_opname/detentie, or terugkeer_beoogd not true, or andere_financiering true; see
--   models.afwezigheid_beoordeling), at most geleverd_volume per line, impact = days x tariff
--   (models.bw_afwezigheid_maanden, bevinding niet_declarabel). One signal per toewijzing and
--   calendar month of the claim lines; period_start = the first flagged day of that month,
--   period_end = the last. Evidence: the claim lines' referentie_nummers and the afwezigheid_ids.
with findings as (
    select * from models.bw_afwezigheid_maanden
    where bevinding = 'niet_declarabel'
)

select
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    client_key,
    period_start,
    period_end,
    cast(dagen as double) as measured,
    0.0 as threshold,
    'dagen' as unit,
    impact_cents,
    list_concat(referenties, afwezigheid_ids) as evidence,
    'Op toewijzing ' || toewijzing_nummer || ' zijn ' || fmt_num(dagen, 0)
    || if(dagen = 1, ' BW-dag', ' BW-dagen') || ' tussen ' || fmt_datum(period_start) || ' en '
    || fmt_datum(period_end) || ' gedeclareerd (' || fmt_eur(impact_cents)
    || ') terwijl de cliënt afwezig was (' || array_to_string(redenen_niet_declarabel, ', ')
    || '); afwezigheid is alleen declarabel bij ggz-opname of detentie met beoogde terugkeer en'
    || ' zonder andere financiering.' as message
from findings
