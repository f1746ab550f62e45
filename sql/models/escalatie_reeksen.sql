-- model: escalatie_reeksen
-- title: Reeksen contactpogingen zonder inhoudelijk contact, met de datum waarop opschalen nodig is
-- reads: staging.contactmomenten, models.toewijzingen, staging.regelparameters, meta.run_context
-- reading: RULES.md §3. Attempt = soort contactpoging/no_show with resultaat geen_contact/vluchtig;
--   every `inhoudelijk` contact (any soort) ends a streak; other contacts are ignored; attempts
--   before the first inhoudelijk contact form a streak too. Contacts match allocations on
--   toewijzing_nummer + client_key; only contacts on or before peildatum count. Contacts at the
--   same moment: the inhoudelijk one counts first (the attempt opens the next streak). One row per
--   streak (with at least one attempt): t0 = date of the streak's first attempt; pogingen =
--   attempts up to peildatum; volgend_contact = date of the inhoudelijk contact that ended the
--   streak (null while it runs); d = max(date of attempt min_pogingen, t0 + min_dagen days) (at
--   least 8 attempts and at least 8 weeks; null with fewer attempts); opschalen_nodig when d <=
--   peildatum and volgend_contact, if any, is on or after d (a contact on d itself is not strictly
--   before d).
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
        t.client_key,
        t._volgnr as toewijzing_volgnr,  -- one number per allocation: a cheap window partition
        c.contact_id,
        c.gepland_begin,
        c.resultaat = 'inhoudelijk' as is_inhoudelijk
    from contacts as c
    inner join allocations as t using (toewijzing_nummer, client_key)
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
            partition by toewijzing_volgnr
            order by gepland_begin, is_inhoudelijk desc, contact_id
            rows between unbounded preceding and current row
        ) as streak_nr
    from events
),

attempts as (
    select
        *,
        row_number() over (
            partition by toewijzing_volgnr, streak_nr
            order by gepland_begin, contact_id
        ) as poging_nr
    from numbered
    where not is_inhoudelijk
),

streak_ends as (
    select
        toewijzing_volgnr,
        streak_nr - 1 as streak_nr,
        cast(gepland_begin as date) as volgend_contact
    from numbered
    where is_inhoudelijk
),

streaks as (
    select
        any_value(a.gemeente_code) as gemeente_code,
        any_value(a.aanbieder_agb) as aanbieder_agb,
        any_value(a.toewijzing_nummer) as toewijzing_nummer,
        any_value(a.client_key) as client_key,
        a.toewijzing_volgnr,
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
    group by a.toewijzing_volgnr, a.streak_nr, p.min_pogingen, p.min_dagen
),

due_dates as (
    select
        s.*,
        e.volgend_contact,
        -- null while the streak has fewer than min_pogingen attempts
        case
            when s.datum_laatste_nodige_poging is not null
                then greatest(s.datum_laatste_nodige_poging, s.t0 + cast(s.min_dagen as integer))
        end as d
    from streaks as s
    left join streak_ends as e using (toewijzing_volgnr, streak_nr)
)

select
    * exclude (toewijzing_volgnr),
    d <= getvariable('peildatum')
    and (volgend_contact is null or volgend_contact >= d) as opschalen_nodig
from due_dates
