-- rule: afwezigheid.declaratie_tijdens_opname
-- title: Ondersteuning gedeclareerd terwijl de cliënt was opgenomen of gedetineerd
-- source: seed 002 §5.1.2.2 (lines 4325-4329: "Indien de cliënt bijvoorbeeld in het ziekenhuis wordt
--   opgenomen ... kan de aanbieder tijdelijk geen inzet declareren"); RULES.md §5
-- uitleg: Tijdens een opname (ziekenhuis, ggz) of detentie wordt geen ondersteuning geleverd; declaraties over die dagen zijn niet terecht.
-- actie: crediteren
-- grondslag: Beleidsregels Jeugdhulp en Wmo 2026 gemeente Geldrop-Mierlo, §5.1.2.2 (tijdens een opname geen inzet declareren)
-- severity: midden
-- version: 1
-- reads: models.afwezigheid_dagen
-- reading: claimed days (models.afwezigheid_dagen) of net lines whose soort is not bw (also lines
--   of unknown products) inside an opname absence (reden ziekenhuis, ggz_opname or detentie;
--   terugkeer_beoogd and andere_financiering do not matter). A day line is flagged when its day
--   lies inside such an absence. A period line only when every day of its period lies inside such absences: a line
--   claimed per period does not tell on which days care was given, so a partial overlap is not a
--   finding. impact = the whole amount of the flagged lines. One signal per toewijzing and
--   calendar month of the claim lines; period_start = the first flagged day, period_end = the
--   last; measured = flagged claim days. Evidence: referentie_nummers and afwezigheid_ids.
with absent_days as (
    select
        gemeente_code,
        aanbieder_agb,
        toewijzing_nummer,
        client_key,
        referentie_nummer,
        maand,
        ingediend_bedrag_cents,
        claim_dagen,
        dag,
        list(afwezigheid_id) as afwezigheid_ids,
        list(reden) as redenen
    from models.afwezigheid_dagen
    where soort is distinct from 'bw' and opname
    group by all
),

flagged_lines as (
    select
        gemeente_code,
        aanbieder_agb,
        toewijzing_nummer,
        client_key,
        maand,
        referentie_nummer,
        any_value(ingediend_bedrag_cents) as bedrag_cents,
        count(*) as dagen,
        min(dag) as eerste_dag,
        max(dag) as laatste_dag,
        flatten(list(afwezigheid_ids)) as afwezigheid_ids,
        flatten(list(redenen)) as redenen
    from absent_days
    group by all
    having count(*) = any_value(claim_dagen)
),

per_month as (
    select
        gemeente_code,
        aanbieder_agb,
        toewijzing_nummer,
        client_key,
        min(eerste_dag) as period_start,
        max(laatste_dag) as period_end,
        sum(dagen) as dagen,
        count(*) as regels,
        sum(bedrag_cents) as impact_cents,
        list(referentie_nummer order by referentie_nummer) as referenties,
        list_sort(list_distinct(flatten(list(afwezigheid_ids)))) as afwezigheid_ids,
        list_sort(list_distinct(flatten(list(redenen)))) as redenen
    from flagged_lines
    group by gemeente_code, aanbieder_agb, toewijzing_nummer, client_key, maand
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
    cast(impact_cents as bigint) as impact_cents,
    list_concat(referenties, afwezigheid_ids) as evidence,
    'Op toewijzing ' || toewijzing_nummer || ' is tussen ' || fmt_datum(period_start) || ' en '
    || fmt_datum(period_end) || ' ' || fmt_eur(impact_cents) || ' gedeclareerd ('
    || regels || if(regels = 1, ' declaratieregel', ' declaratieregels')
    || ') terwijl de cliënt was opgenomen of gedetineerd ('
    || array_to_string(
        list_transform(
            redenen,
            lambda r: case r when 'ggz_opname' then 'ggz-opname' else r end
        ),
        ', '
    )
    || '); tijdens een opname wordt geen ondersteuning geleverd.' as message
from per_month
