-- rule: bw_afwezigheid.niet_declarabel
-- title: BW-dagen gedeclareerd tijdens een afwezigheid die niet declarabel is
-- source: seed 001 "Declareren bij tijdelijke afwezigheid Beschermd Wonen" (lines 172-185); RULES.md §5
-- severity: hoog
-- version: 1
-- reads: models.declaraties_netto, staging.afwezigheden
-- reading: net claim lines of soort bw; absences match on bsn. A period line is taken to claim
--   every day of its period: the flagged days of a line are its days inside a non-claimable
--   absence (reden not ggz_opname/detentie, or terugkeer_beoogd not true, or andere_financiering
--   true; null booleans count as "no"), at most its geleverd_volume. Days inside several
--   absences count once. impact = flagged days x contract tariff (the claim's own tariff when the
--   product has no contract tariff), half up. One signal per toewijzing and calendar month of the
--   claim lines; period_start = the first flagged day of that month, period_end = the last.
--   Evidence: the claim lines' referentie_nummers and the afwezigheid_ids.
with claim_lines as (
    select * from models.declaraties_netto
    where soort = 'bw'
),

absences as (
    select
        *,
        reden not in ('ggz_opname', 'detentie')
        or not coalesce(terugkeer_beoogd, false)
        or coalesce(andere_financiering, false) as niet_toegestaan
    from staging.afwezigheden
),

overlapping_lines as (
    select c.*
    from claim_lines as c
    semi join absences as a
        on
            c.bsn = a.bsn
            and a.niet_toegestaan
            and c.einddatum >= a.begindatum
            and (a.einddatum is null or c.begindatum <= a.einddatum)
),

claim_days as (
    select
        gemeente_code,
        aanbieder_agb,
        toewijzing_nummer,
        bsn,
        referentie_nummer,
        maand,
        geleverd_volume,
        coalesce(contract_tarief_cents, product_tarief_cents) as tarief_cents,
        cast(unnest(generate_series(begindatum, einddatum, interval 1 day)) as date) as dag
    from overlapping_lines
),

absent_days as (
    select
        d.*,
        list(distinct a.afwezigheid_id) as afwezigheid_ids,
        list(distinct case
            when a.reden not in ('ggz_opname', 'detentie') then 'reden ' || a.reden
            when not coalesce(a.terugkeer_beoogd, false) then 'geen terugkeer beoogd'
            else 'andere financiering'
        end) as redenen
    from claim_days as d
    inner join absences as a
        on
            d.bsn = a.bsn
            and a.niet_toegestaan
            and d.dag >= a.begindatum
            and (a.einddatum is null or d.dag <= a.einddatum)
    group by all
),

per_line as (
    select
        gemeente_code,
        aanbieder_agb,
        toewijzing_nummer,
        bsn,
        maand,
        referentie_nummer,
        least(count(*), any_value(geleverd_volume)) as dagen,
        least(count(*), any_value(geleverd_volume)) * any_value(tarief_cents) as bedrag_cents,
        min(dag) as eerste_dag,
        max(dag) as laatste_dag,
        flatten(list(afwezigheid_ids)) as afwezigheid_ids,
        flatten(list(redenen)) as redenen
    from absent_days
    group by all
),

per_month as (
    select
        gemeente_code,
        aanbieder_agb,
        toewijzing_nummer,
        bsn,
        min(eerste_dag) as period_start,
        max(laatste_dag) as period_end,
        sum(dagen) as dagen,
        round_half_up(sum(bedrag_cents)) as impact_cents,
        list(distinct referentie_nummer order by referentie_nummer) as referenties,
        list_sort(list_distinct(flatten(list(afwezigheid_ids)))) as afwezigheid_ids,
        list_sort(list_distinct(flatten(list(redenen)))) as redenen
    from per_line
    where dagen > 0
    group by gemeente_code, aanbieder_agb, toewijzing_nummer, bsn, maand
)

select
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    bsn,
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
    || ') terwijl de cliënt afwezig was (' || array_to_string(redenen, ', ')
    || '); afwezigheid is alleen declarabel bij ggz-opname of detentie met beoogde terugkeer en'
    || ' zonder andere financiering.' as message
from per_month
