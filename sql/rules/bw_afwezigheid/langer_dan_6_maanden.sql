-- rule: bw_afwezigheid.langer_dan_6_maanden
-- title: BW-dagen gedeclareerd tijdens een ggz-opname of detentie van meer dan zes maanden
-- source: seed 001 "Declareren bij tijdelijke afwezigheid Beschermd Wonen" (lines 179-185: "duurt
--   niet langer dan maximaal zes maanden"); RULES.md §5
-- uitleg: Tijdens een ggz-opname of detentie mag beschermd wonen hooguit zes maanden worden doorgedeclareerd; de dagen daarna zijn niet declarabel.
-- actie: crediteren
-- grondslag: Handelingskader Wmo Verblijf, Declareren bij tijdelijke afwezigheid Beschermd Wonen (maximaal zes maanden)
-- severity: hoog
-- version: 1
-- reads: models.bw_afwezigheid_maanden
-- reading: the flagged days are the BW claim days inside a declarabel absence (ggz_opname or
--   detentie, terugkeer_beoogd true, andere_financiering not true) on or after the limit
--   add_months(begindatum, max_maanden); reading `streng` (bw_afwezigheid_lezing): every day of an
--   absence whose last day (einddatum, or peildatum while open) is on or after the limit. Days
--   inside a non-declarabel absence are left to bw_afwezigheid.niet_declarabel (one signal per
--   problem). See models.bw_afwezigheid_maanden, bevinding langer_dan_6_maanden. One signal per
--   toewijzing and calendar month of the claim lines; period_start = the first flagged day of that
--   month, period_end = the last. The message names detentie when one of the absences is one.
with findings as (
    select * from models.bw_afwezigheid_maanden
    where bevinding = 'langer_dan_6_maanden'
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
    || fmt_datum(period_end) || ' gedeclareerd (' || fmt_eur(impact_cents) || ') tijdens een '
    || if(list_contains(afwezigheid_redenen, 'detentie'), 'detentie', 'ggz-opname') || ' vanaf '
    || fmt_datum(afwezig_vanaf) || ' die langer duurt dan ' || fmt_num(max_maanden, 0)
    || ' maanden; '
    || if(
        streng,
        'volgens de strenge lezing is dan de hele afwezigheid niet declarabel.',
        'vanaf ' || fmt_datum(grens) || ' is de afwezigheid niet meer declarabel.'
    ) as message
from findings
