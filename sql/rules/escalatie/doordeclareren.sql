-- rule: escalatie.doordeclareren
-- title: Doorgedeclareerd na het moment waarop opschalen nodig was
-- source: seed 000 "Voorstel SDD no-show" (wel declareren: "Bij uitblijvend contact volgt tijdige
--   terugkoppeling i.p.v. doordeclareren") and "(vervolg)" (8 pogingen over 8 weken); RULES.md §3
-- uitleg: Na 8 contactpogingen over 8 weken zonder inhoudelijk contact had de aanbieder moeten opschalen naar de gemeente in plaats van door te declareren.
-- actie: crediteren
-- grondslag: Voorstel SDD no-show (vervolg): opschalen na 8 pogingen over 8 weken
-- severity: hoog
-- version: 1
-- reads: models.escalatie_reeksen, models.declaraties_netto
-- reading: streaks and the due date D from models.escalatie_reeksen, exactly as
--   escalatie.opschalen (only streaks with opschalen_nodig). Flagged: net claim lines of that
--   toewijzing (gemeente + number, any product) with begindatum > D and, when the streak ended,
--   begindatum before the date of that next inhoudelijk contact. One signal per toewijzing and
--   calendar month of begindatum (period = the month; streak windows are at least min_dagen
--   apart, so a month belongs to one streak); impact = the lines' ingediend_bedrag_cents.
with due as (
    select * from models.escalatie_reeksen
    where opschalen_nodig
),

claim_lines as (
    select * from models.declaraties_netto
),

after_due as (
    select
        d.gemeente_code,
        d.aanbieder_agb,
        d.toewijzing_nummer,
        d.client_key,
        d.t0,
        d.d,
        d.pogingen,
        d.volgend_contact,
        n.maand,
        n.referentie_nummer,
        n.begindatum,
        n.ingediend_bedrag_cents
    from due as d
    inner join claim_lines as n
        on
            d.gemeente_code = n.gemeente_code
            and d.toewijzing_nummer = n.toewijzing_nummer
            and n.begindatum > d.d
            and (d.volgend_contact is null or n.begindatum < d.volgend_contact)
),

per_month as (
    select
        gemeente_code,
        aanbieder_agb,
        toewijzing_nummer,
        client_key,
        t0,
        d,
        pogingen,
        maand,
        count(*) as regels,
        sum(ingediend_bedrag_cents) as bedrag,
        list(referentie_nummer order by begindatum, referentie_nummer) as referentie_nummers
    from after_due
    group by all
)

select
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    client_key,
    maand as period_start,
    month_end(maand) as period_end,
    cast(bedrag as double) as measured,
    0.0 as threshold,
    'eurocent' as unit,
    bedrag as impact_cents,
    referentie_nummers as evidence,
    'Over ' || fmt_datum(maand) || ' t/m ' || fmt_datum(month_end(maand)) || ' is '
    || fmt_eur(bedrag) || ' gedeclareerd (' || regels
    || case when regels = 1 then ' regel' else ' regels' end
    || ') terwijl na ' || pogingen || ' contactpogingen zonder inhoudelijk contact sinds '
    || fmt_datum(t0) || ' op ' || fmt_datum(d)
    || ' had moeten worden opgeschaald naar de gemeente in plaats van doorgedeclareerd.'
        as message
from per_month
