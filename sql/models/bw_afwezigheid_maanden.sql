-- model: bw_afwezigheid_maanden
-- title: BW-dagen gedeclareerd tijdens een afwezigheid, per bevinding, toewijzing en kalendermaand
-- reads: models.afwezigheid_dagen, staging.regelparameters
-- reading: RULES.md §5. Claimed days (models.afwezigheid_dagen) of net claim lines of soort bw,
--   classified per day into one `bevinding` (one signal per problem):
--   - `niet_declarabel`: the day lies inside an absence that is not declarabel;
--   - `langer_dan_6_maanden`: the day lies inside a declarabel absence and not inside a
--     non-declarabel one, and is on or after the limit L = add_months(begindatum, max_maanden)
--     (clamped to the month's end), or, in reading `streng` (parameter bw_afwezigheid_lezing of the
--     claim's gemeente), the absence's last day (einddatum, or peildatum while it is open) is on
--     or after L (the whole absence is then not claimable).
--   Days inside several absences count once. Per claim line: flagged days = at most its
--   geleverd_volume; amount = flagged days x tarief_cents. One row per bevinding, toewijzing and
--   calendar month of the claim lines (the month of begindatum); period_start / period_end = the
--   first / last flagged day of that month; impact_cents = the lines' amounts, half up.
--   referenties and afwezigheid_ids sorted and distinct; redenen_niet_declarabel and
--   afwezigheid_redenen (the absences' reden) likewise; for langer_dan_6_maanden also the first
--   absence's afwezig_vanaf and limit (grens), max_maanden and streng.
with bw_days as (
    select * from models.afwezigheid_dagen
    where soort = 'bw'
),

parameters as (
    select gemeente_code, max_maanden, bw_afwezigheid_lezing from staging.regelparameters
),

not_claimable_days as (
    select
        gemeente_code,
        aanbieder_agb,
        toewijzing_nummer,
        client_key,
        referentie_nummer,
        maand,
        dag,
        'niet_declarabel' as bevinding,
        any_value(geleverd_volume) as geleverd_volume,
        any_value(tarief_cents) as tarief_cents,
        list(distinct afwezigheid_id) as afwezigheid_ids,
        list(distinct reden_niet_declarabel) as redenen_niet_declarabel,
        list(distinct reden) as afwezigheid_redenen,
        cast(null as bigint) as max_maanden,
        cast(null as boolean) as streng,
        cast(null as date) as afwezig_vanaf,
        cast(null as date) as grens
    from bw_days
    where not declarabel
    group by gemeente_code, aanbieder_agb, toewijzing_nummer, client_key, referentie_nummer, maand, dag
),

over_limit as (
    select
        d.*,
        p.max_maanden,
        p.bw_afwezigheid_lezing = 'streng' as streng,
        add_months(d.afwezig_vanaf, p.max_maanden) as grens
    from bw_days as d
    inner join parameters as p using (gemeente_code)
    anti join not_claimable_days as n using (referentie_nummer, dag)
    where
        d.declarabel
        and (
            d.dag >= add_months(d.afwezig_vanaf, p.max_maanden)
            or (
                p.bw_afwezigheid_lezing = 'streng'
                and coalesce(d.afwezig_tot, getvariable('peildatum'))
                >= add_months(d.afwezig_vanaf, p.max_maanden)
            )
        )
),

over_limit_days as (
    select
        gemeente_code,
        aanbieder_agb,
        toewijzing_nummer,
        client_key,
        referentie_nummer,
        maand,
        dag,
        'langer_dan_6_maanden' as bevinding,
        any_value(geleverd_volume) as geleverd_volume,
        any_value(tarief_cents) as tarief_cents,
        list(distinct afwezigheid_id) as afwezigheid_ids,
        cast([] as varchar[]) as redenen_niet_declarabel,
        list(distinct reden) as afwezigheid_redenen,
        any_value(max_maanden) as max_maanden,
        any_value(streng) as streng,
        min(afwezig_vanaf) as afwezig_vanaf,
        min(grens) as grens
    from over_limit
    group by gemeente_code, aanbieder_agb, toewijzing_nummer, client_key, referentie_nummer, maand, dag
),

flagged_days as (
    select * from not_claimable_days
    union all by name
    select * from over_limit_days
),

per_line as (
    select
        bevinding,
        gemeente_code,
        aanbieder_agb,
        toewijzing_nummer,
        client_key,
        maand,
        referentie_nummer,
        least(count(*), any_value(geleverd_volume)) as dagen,
        least(count(*), any_value(geleverd_volume)) * any_value(tarief_cents) as bedrag_cents,
        min(dag) as eerste_dag,
        max(dag) as laatste_dag,
        flatten(list(afwezigheid_ids)) as afwezigheid_ids,
        flatten(list(redenen_niet_declarabel)) as redenen_niet_declarabel,
        flatten(list(afwezigheid_redenen)) as afwezigheid_redenen,
        any_value(max_maanden) as max_maanden,
        any_value(streng) as streng,
        min(afwezig_vanaf) as afwezig_vanaf,
        min(grens) as grens
    from flagged_days
    group by bevinding, gemeente_code, aanbieder_agb, toewijzing_nummer, client_key, maand, referentie_nummer
)

select
    bevinding,
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    client_key,
    maand,
    min(eerste_dag) as period_start,
    max(laatste_dag) as period_end,
    sum(dagen) as dagen,
    round_half_up(sum(bedrag_cents)) as impact_cents,
    list(distinct referentie_nummer order by referentie_nummer) as referenties,
    list_sort(list_distinct(flatten(list(afwezigheid_ids)))) as afwezigheid_ids,
    list_sort(list_distinct(flatten(list(redenen_niet_declarabel)))) as redenen_niet_declarabel,
    list_sort(list_distinct(flatten(list(afwezigheid_redenen)))) as afwezigheid_redenen,
    any_value(max_maanden) as max_maanden,
    any_value(streng) as streng,
    min(afwezig_vanaf) as afwezig_vanaf,
    min(grens) as grens
from per_line
where dagen > 0
group by bevinding, gemeente_code, aanbieder_agb, toewijzing_nummer, client_key, maand
