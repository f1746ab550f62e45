-- rule: escalatie.doordeclareren
-- title: Doorgedeclareerd na het moment waarop opschalen nodig was
-- source: seed 000 "Voorstel SDD no-show" (wel declareren: "Bij uitblijvend contact volgt tijdige
--   terugkoppeling i.p.v. doordeclareren") and "(vervolg)" (8 pogingen over 8 weken); RULES.md §3
-- severity: hoog
-- version: 1
-- reads: staging.contactmomenten, models.toewijzingen, staging.regelparameters,
--   models.declaraties_netto
-- reading: streaks and the due date D exactly as escalatie.opschalen (attempts = contactpoging /
--   no_show with geen_contact / vluchtig; a streak ends at the next inhoudelijk contact; D =
--   max(date of attempt min_pogingen, t0 + min_dagen); D <= peildatum; no inhoudelijk contact
--   before D). Flagged: net claim lines of that toewijzing (gemeente + number, any product) with
--   begindatum > D and, when the streak ended, begindatum before the date of that next
--   inhoudelijk contact. One signal per toewijzing and calendar month of begindatum (period =
--   the month; streak windows are at least min_dagen apart, so a month belongs to one streak);
--   impact = the lines' ingediend_bedrag_cents.
with contacts as (
    select * from staging.contactmomenten
),

allocations as (
    select * from models.toewijzingen
),

parameters as (
    select gemeente_code, min_pogingen, min_dagen from staging.regelparameters
),

claim_lines as (
    select * from models.declaraties_netto
),

events as (
    select
        t.gemeente_code,
        t.aanbieder_agb,
        t.toewijzing_nummer,
        t.bsn,
        c.contact_id,
        c.gepland_begin,
        c.resultaat = 'inhoudelijk' as is_inhoudelijk
    from contacts as c
    inner join allocations as t using (toewijzing_nummer, bsn)
    where
        cast(c.gepland_begin as date) <= getvariable('peildatum')
        and (
            c.resultaat = 'inhoudelijk'
            or (
                c.soort in ('contactpoging', 'no_show')
                and c.resultaat in ('geen_contact', 'vluchtig')
            )
        )
),

numbered as (
    select
        *,
        count(*) filter (where is_inhoudelijk) over (
            partition by gemeente_code, toewijzing_nummer
            order by gepland_begin, is_inhoudelijk desc, contact_id
            rows between unbounded preceding and current row
        ) as streak_nr
    from events
),

attempts as (
    select
        *,
        row_number() over (
            partition by gemeente_code, toewijzing_nummer, streak_nr
            order by gepland_begin, contact_id
        ) as poging_nr
    from numbered
    where not is_inhoudelijk
),

streak_ends as (
    select
        gemeente_code,
        toewijzing_nummer,
        streak_nr - 1 as streak_nr,
        cast(gepland_begin as date) as volgend_contact
    from numbered
    where is_inhoudelijk
),

streaks as (
    select
        a.gemeente_code,
        a.aanbieder_agb,
        a.toewijzing_nummer,
        a.bsn,
        a.streak_nr,
        p.min_pogingen,
        p.min_dagen,
        cast(min(a.gepland_begin) as date) as t0,
        cast(max(a.gepland_begin) filter (where a.poging_nr = p.min_pogingen) as date)
            as datum_laatste_nodige_poging,
        count(*) as pogingen,
        list(a.contact_id order by a.poging_nr) as contact_ids
    from attempts as a
    inner join parameters as p using (gemeente_code)
    group by all
),

due as (
    select
        s.*,
        e.volgend_contact,
        greatest(s.datum_laatste_nodige_poging, s.t0 + cast(s.min_dagen as integer)) as d
    from streaks as s
    left join streak_ends as e using (gemeente_code, toewijzing_nummer, streak_nr)
    where s.datum_laatste_nodige_poging is not null
),

after_due as (
    select
        d.gemeente_code,
        d.aanbieder_agb,
        d.toewijzing_nummer,
        d.bsn,
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
    where
        d.d <= getvariable('peildatum')
        and (d.volgend_contact is null or d.volgend_contact >= d.d)
),

per_month as (
    select
        gemeente_code,
        aanbieder_agb,
        toewijzing_nummer,
        bsn,
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
    bsn,
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
