-- rule: escalatie.opschalen
-- title: Opschalen nodig: minimaal 8 contactpogingen over 8 weken zonder inhoudelijk contact
-- source: seed 000 "Voorstel SDD no-show (vervolg)" (opschalen bij langdurig uitblijven
--   begeleiding, minimaal 8 outreachende pogingen over een aaneengesloten periode van 8 weken);
--   RULES.md §3
-- severity: hoog
-- version: 1
-- reads: staging.contactmomenten, models.toewijzingen, staging.regelparameters
-- reading: attempt = soort contactpoging/no_show with resultaat geen_contact/vluchtig; every
--   `inhoudelijk` contact (any soort) ends a streak; other contacts are ignored. Contacts match
--   allocations on toewijzing_nummer + bsn; only contacts on or before peildatum count. Contacts
--   at the same moment: the inhoudelijk one counts first (the attempt opens the next streak).
--   t0 = date of the streak's first attempt; D = max(date of attempt min_pogingen, t0 + min_dagen
--   days) (at least 8 attempts and at least 8 weeks); due when D <= peildatum and the next
--   inhoudelijk contact, if any, is on or after D (a contact on D itself is not strictly before
--   D). One signal per streak: period_start = t0, period_end = D (both fixed once the streak
--   is due). measured = attempts in the streak up to peildatum; impact 0 (the money is in
--   escalatie.doordeclareren).
with contacts as (
    select * from staging.contactmomenten
),

allocations as (
    select * from models.toewijzingen
),

parameters as (
    select gemeente_code, min_pogingen, min_dagen from staging.regelparameters
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
)

select
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    bsn,
    t0 as period_start,
    d as period_end,
    cast(pogingen as double) as measured,
    cast(min_pogingen as double) as threshold,
    'pogingen' as unit,
    cast(0 as bigint) as impact_cents,
    contact_ids as evidence,
    'Sinds ' || fmt_datum(t0) || ' zijn ' || pogingen
    || ' contactpogingen gedaan zonder inhoudelijk contact ('
    || case
        when volgend_contact is null then 'nog steeds geen inhoudelijk contact'
        else 'pas weer inhoudelijk contact op ' || fmt_datum(volgend_contact)
    end
    || '); bij minimaal ' || fmt_num(min_pogingen, 0) || ' pogingen over '
    || fmt_num(min_dagen, 0) || ' dagen moest op ' || fmt_datum(d)
    || ' worden opgeschaald naar de gemeente in plaats van doorgedeclareerd.' as message
from due
where
    d <= getvariable('peildatum')
    and (volgend_contact is null or volgend_contact >= d)
