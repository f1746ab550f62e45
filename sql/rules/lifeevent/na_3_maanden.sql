-- rule: lifeevent.na_3_maanden
-- title: Life-event-opslag gedeclareerd na de maximale duur van drie maanden
-- source: seed 000 "Product Opslag" (duur van maximaal 3 maanden; "De tijdelijke
--   Life-event-indicatie stopt automatisch"; "Daarna stopt deze indicatie automatisch"); RULES.md §6
-- uitleg: De life-event-opslag geldt hooguit drie maanden en stopt daarna vanzelf; declaraties daarna zijn niet terecht.
-- actie: crediteren
-- grondslag: Product Life Events, Product Opslag (maximaal 3 maanden)
-- severity: hoog
-- version: 1
-- reads: models.declaraties_netto, models.toewijzingen, staging.regelparameters
-- reading: net claim lines of soort ib_life_event on an existing allocation (same gemeente and
--   number; the stop date counts from that allocation's ingangsdatum, also when the municipality
--   gave it a later einddatum). Stop date S = add_months(ingangsdatum, lifeevent_max_maanden);
--   a line is flagged when its einddatum >= S. A period line that starts before S is flagged with
--   its days from S on: measured = claim days on or after S, impact = amount x those days /
--   claim days, half up (as integriteit.buiten_toewijzingsperiode does). One signal per toewijzing
--   and calendar month of the claim lines; period_start = the first flagged day (S or the line's
--   begindatum), period_end = the last einddatum.
with claim_lines as (
    select * from models.declaraties_netto
    where soort = 'ib_life_event'
),

allocations as (
    select gemeente_code, toewijzing_nummer, ingangsdatum from models.toewijzingen
),

parameters as (
    select gemeente_code, lifeevent_max_maanden from staging.regelparameters
),

measured_lines as (
    select
        c.*,
        a.ingangsdatum,
        p.lifeevent_max_maanden,
        add_months(a.ingangsdatum, p.lifeevent_max_maanden) as stopdatum,
        greatest(c.begindatum, add_months(a.ingangsdatum, p.lifeevent_max_maanden)) as eerste_dag,
        datediff('day', c.begindatum, c.einddatum) + 1 as claim_dagen,
        datediff(
            'day',
            greatest(c.begindatum, add_months(a.ingangsdatum, p.lifeevent_max_maanden)),
            c.einddatum
        ) + 1 as dagen_na_stop
    from claim_lines as c
    inner join allocations as a using (gemeente_code, toewijzing_nummer)
    inner join parameters as p using (gemeente_code)
    where c.einddatum >= add_months(a.ingangsdatum, p.lifeevent_max_maanden)
),

per_month as (
    select
        gemeente_code,
        aanbieder_agb,
        toewijzing_nummer,
        client_key,
        min(eerste_dag) as period_start,
        max(einddatum) as period_end,
        any_value(ingangsdatum) as ingangsdatum,
        any_value(stopdatum) as stopdatum,
        any_value(lifeevent_max_maanden) as max_maanden,
        sum(dagen_na_stop) as dagen,
        count(*) as regels,
        sum(round_half_up(ingediend_bedrag_cents * dagen_na_stop / claim_dagen)) as impact_cents,
        list(referentie_nummer order by referentie_nummer) as evidence
    from measured_lines
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
    evidence,
    'De life-event-opslag van toewijzing ' || toewijzing_nummer || ' (vanaf '
    || fmt_datum(ingangsdatum) || ') stopt na ' || fmt_num(max_maanden, 0) || ' maanden, op '
    || fmt_datum(stopdatum) || ', maar er is ' || fmt_eur(impact_cents) || ' gedeclareerd voor '
    || fmt_num(dagen, 0) || if(dagen = 1, ' dag', ' dagen') || ' vanaf ' || fmt_datum(period_start)
    || ' (' || regels || if(regels = 1, ' declaratieregel).', ' declaratieregels).') as message
from per_month
