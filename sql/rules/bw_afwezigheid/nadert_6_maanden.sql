-- rule: bw_afwezigheid.nadert_6_maanden
-- title: Declarabele afwezigheid in beschermd wonen nadert de grens van zes maanden
-- source: seed 001 "Declareren bij tijdelijke afwezigheid Beschermd Wonen" (lines 179-185); RULES.md §5
-- uitleg: De cliënt is bijna zes maanden afwezig; daarna zijn afwezigheidsdagen niet meer declarabel. Laat weten of en wanneer de cliënt terugkeert.
-- actie: toelichten
-- grondslag: Handelingskader Wmo Verblijf, Declareren bij tijdelijke afwezigheid Beschermd Wonen (maximaal zes maanden)
-- severity: laag
-- version: 1
-- reads: models.afwezigheid_beoordeling, models.toewijzingen, staging.regelparameters
-- reading: only declarabel absences (models.afwezigheid_beoordeling: reden ggz_opname or detentie,
--   terugkeer_beoogd true, andere_financiering not true): the others are never claimable, so there
--   is no limit to warn about. Signal when einddatum is null or >= peildatum and
--   add_months(begindatum, nadert_maanden) <= peildatum < add_months(begindatum, max_maanden).
--   Named allocation: every BW allocation of the client (match on client_key; soort bw, or category
--   15 at category level) that is in scope and still valid on peildatum (einddatum null or >=
--   peildatum); the parameters are those of the allocation's gemeente. period_start = the absence's
--   begindatum, period_end = the last claimable day (limit - 1). measured = days away up to and
--   including peildatum, threshold = days until the limit; not financial (impact 0).
with absences as (
    select * from models.afwezigheid_beoordeling
    where
        declarabel
        and (einddatum is null or einddatum >= getvariable('peildatum'))
),

allocations as (
    select * from models.toewijzingen
    where
        in_scope
        and (soort = 'bw' or soort = 'categorie:15')
        and (einddatum is null or einddatum >= getvariable('peildatum'))
),

parameters as (
    select gemeente_code, max_maanden, nadert_maanden from staging.regelparameters
),

nearing as (
    select
        t.gemeente_code,
        t.aanbieder_agb,
        t.toewijzing_nummer,
        t.client_key,
        a.afwezigheid_id,
        a.reden,
        a.begindatum,
        p.max_maanden,
        add_months(a.begindatum, p.max_maanden) as grens,
        datediff('day', a.begindatum, getvariable('peildatum')) + 1 as dagen_afwezig,
        datediff('day', a.begindatum, add_months(a.begindatum, p.max_maanden)) as dagen_toegestaan
    from absences as a
    inner join allocations as t on a.client_key = t.client_key
    inner join parameters as p on t.gemeente_code = p.gemeente_code
    where
        add_months(a.begindatum, p.nadert_maanden) <= getvariable('peildatum')
        and getvariable('peildatum') < add_months(a.begindatum, p.max_maanden)
)

select
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    client_key,
    begindatum as period_start,
    cast(grens - 1 as date) as period_end,
    cast(dagen_afwezig as double) as measured,
    cast(dagen_toegestaan as double) as threshold,
    'dagen' as unit,
    cast(0 as bigint) as impact_cents,
    [afwezigheid_id] as evidence,
    'De cliënt van BW-toewijzing ' || toewijzing_nummer || ' is sinds ' || fmt_datum(begindatum)
    || ' afwezig wegens ' || if(reden = 'detentie', 'detentie', 'ggz-opname') || ' (' || dagen_afwezig
    || ' dagen); vanaf ' || fmt_datum(grens) || ' (na ' || fmt_num(max_maanden, 0)
    || ' maanden) zijn afwezigheidsdagen niet meer declarabel.' as message
from nearing
