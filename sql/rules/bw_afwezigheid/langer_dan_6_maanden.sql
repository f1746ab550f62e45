-- rule: bw_afwezigheid.langer_dan_6_maanden
-- title: BW-dagen gedeclareerd tijdens een ggz-opname of detentie van meer dan zes maanden
-- source: seed 001 "Declareren bij tijdelijke afwezigheid Beschermd Wonen" (lines 179-185: "duurt
--   niet langer dan maximaal zes maanden"); RULES.md §5
-- severity: hoog
-- version: 1
-- reads: models.declaraties_netto, staging.afwezigheden, staging.regelparameters
-- reading: net claim lines of soort bw; absences match on bsn. Allowed absence = reden ggz_opname
--   or detentie, terugkeer_beoogd true and andere_financiering not true. Limit day L =
--   add_months(begindatum, max_maanden) (clamped to the month's end). Reading `standaard`
--   (parameter bw_afwezigheid_lezing of the claim's gemeente): claimed days on or after L.
--   Reading `streng`: every claimed day of an absence that exceeds the limit, i.e. whose last day
--   (einddatum, or peildatum while it is open) is on or after L. Days inside a non-claimable
--   absence are left to bw_afwezigheid.niet_declarabel (one signal per problem). A period line is
--   taken to claim every day of its period, at most geleverd_volume days; days inside several
--   absences count once. impact = flagged days x contract tariff (the claim's own tariff when the
--   product has none), half up. One signal per toewijzing and calendar month of the claim lines;
--   period_start = the first flagged day of that month, period_end = the last.
with claim_lines as (
    select * from models.declaraties_netto
    where soort = 'bw'
),

parameters as (
    select gemeente_code, max_maanden, bw_afwezigheid_lezing from staging.regelparameters
),

absences as (
    select
        *,
        reden in ('ggz_opname', 'detentie')
        and coalesce(terugkeer_beoogd, false)
        and not coalesce(andere_financiering, false) as toegestaan
    from staging.afwezigheden
),

overlapping_lines as (
    select c.*
    from claim_lines as c
    semi join absences as a
        on
            c.bsn = a.bsn
            and a.toegestaan
            and c.einddatum >= a.begindatum
            and (a.einddatum is null or c.begindatum <= a.einddatum)
),

claim_days as (
    select
        c.gemeente_code,
        c.aanbieder_agb,
        c.toewijzing_nummer,
        c.bsn,
        c.referentie_nummer,
        c.maand,
        c.geleverd_volume,
        coalesce(c.contract_tarief_cents, c.product_tarief_cents) as tarief_cents,
        p.max_maanden,
        p.bw_afwezigheid_lezing = 'streng' as streng,
        cast(unnest(generate_series(c.begindatum, c.einddatum, interval 1 day)) as date) as dag
    from overlapping_lines as c
    inner join parameters as p using (gemeente_code)
),

not_claimable_days as (
    select distinct d.referentie_nummer, d.dag
    from claim_days as d
    inner join absences as a
        on
            d.bsn = a.bsn
            and not a.toegestaan
            and d.dag >= a.begindatum
            and (a.einddatum is null or d.dag <= a.einddatum)
),

limited as (
    select
        d.*,
        a.afwezigheid_id,
        a.reden,
        a.begindatum as afwezig_vanaf,
        add_months(a.begindatum, d.max_maanden) as grens
    from claim_days as d
    inner join absences as a
        on
            d.bsn = a.bsn
            and a.toegestaan
            and d.dag >= a.begindatum
            and (a.einddatum is null or d.dag <= a.einddatum)
    anti join not_claimable_days as n using (referentie_nummer, dag)
    where
        d.dag >= add_months(a.begindatum, d.max_maanden)
        or (
            d.streng
            and coalesce(a.einddatum, getvariable('peildatum'))
            >= add_months(a.begindatum, d.max_maanden)
        )
),

flagged_days as (
    select
        gemeente_code,
        aanbieder_agb,
        toewijzing_nummer,
        bsn,
        referentie_nummer,
        maand,
        dag,
        any_value(geleverd_volume) as geleverd_volume,
        any_value(tarief_cents) as tarief_cents,
        any_value(max_maanden) as max_maanden,
        any_value(streng) as streng,
        list(afwezigheid_id) as afwezigheid_ids,
        min(afwezig_vanaf) as afwezig_vanaf,
        min(grens) as grens,
        min(reden) as reden
    from limited
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
        any_value(max_maanden) as max_maanden,
        any_value(streng) as streng,
        min(afwezig_vanaf) as afwezig_vanaf,
        min(grens) as grens,
        min(reden) as reden
    from flagged_days
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
        any_value(max_maanden) as max_maanden,
        any_value(streng) as streng,
        min(afwezig_vanaf) as afwezig_vanaf,
        min(grens) as grens,
        min(reden) as reden
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
    || fmt_datum(period_end) || ' gedeclareerd (' || fmt_eur(impact_cents) || ') tijdens een '
    || if(reden = 'detentie', 'detentie', 'ggz-opname') || ' vanaf ' || fmt_datum(afwezig_vanaf)
    || ' die langer duurt dan ' || fmt_num(max_maanden, 0) || ' maanden; '
    || if(
        streng,
        'volgens de strenge lezing is dan de hele afwezigheid niet declarabel.',
        'vanaf ' || fmt_datum(grens) || ' is de afwezigheid niet meer declarabel.'
    ) as message
from per_month
