-- query: reeksen
-- title: Reeksen contactpogingen zonder inhoudelijk contact (no-show en opschaling)
-- reads: staging.contactmomenten, models.toewijzingen, staging.regelparameters
-- reading: RULES.md §3, the same reading as dashboards/sql/contacten.sql grouped per reeks: one
--   row per toewijzing_nummer, gemeente_code, aanbieder_agb, client_key and reeks with at least one
--   attempt. Only attempts and inhoudelijk contacts are numbered (other contacts change no
--   reeks), with their key columns only. The inhoudelijk contact that ends a reeks carries its
--   number and comes right after an attempt: contact_op is its date. poging_nr counts the
--   attempts of a reeks in order; opschalen_op = max(date of attempt min_pogingen, first attempt
--   + min_dagen days), null with fewer attempts. reeks_nr numbers the reeksen of a toewijzing.
with contacts as (
    select
        toewijzing_nummer,
        client_key,
        aanbieder_agb,
        contact_id,
        gepland_begin,
        resultaat = 'inhoudelijk' as is_inhoudelijk
    from staging.contactmomenten
    where
        resultaat = 'inhoudelijk'
        or (soort in ('contactpoging', 'no_show') and resultaat in ('geen_contact', 'vluchtig'))
),

numbered as (
    select
        *,
        sum(cast(is_inhoudelijk as integer)) over w - cast(is_inhoudelijk as integer) as reeks,
        lag(is_inhoudelijk, 1, true) over w as na_inhoudelijk
    from contacts
    window w as (
        partition by toewijzing_nummer, client_key order by gepland_begin, contact_id
        rows between unbounded preceding and current row
    )
),

attempts_and_ends as (
    select
        *,
        if(is_inhoudelijk, null, row_number() over (
            partition by toewijzing_nummer, client_key, reeks, is_inhoudelijk
            order by gepland_begin, contact_id
        )) as poging_nr
    from numbered
    where not is_inhoudelijk or not na_inhoudelijk
),

allocation as (
    select
        toewijzing_nummer,
        client_key,
        min(gemeente_code) as gemeente_code
    from models.toewijzingen
    -- only allocations with contacts (the left join below needs no others)
    where toewijzing_nummer in (select distinct toewijzing_nummer from staging.contactmomenten)
    group by toewijzing_nummer, client_key
),

params as (
    select
        gemeente_code,
        cast(coalesce(min_pogingen, 8) as integer) as min_pogingen,
        cast(coalesce(min_dagen, 56) as integer) as min_dagen
    from staging.regelparameters
),

streaks as (
    select
        c.toewijzing_nummer,
        a.gemeente_code,
        c.aanbieder_agb,
        c.client_key,
        c.reeks,
        any_value(coalesce(p.min_pogingen, 8)) as min_pogingen,
        any_value(coalesce(p.min_dagen, 56)) as min_dagen,
        count(*) filter (where not c.is_inhoudelijk) as pogingen,
        min(cast(c.gepland_begin as date)) filter (where not c.is_inhoudelijk) as begin_reeks,
        max(cast(c.gepland_begin as date)) filter (where not c.is_inhoudelijk) as laatste_poging,
        min(cast(c.gepland_begin as date)) filter (
            where c.poging_nr = coalesce(p.min_pogingen, 8)
        ) as nde_poging,
        min(cast(c.gepland_begin as date)) filter (where c.is_inhoudelijk) as contact_op
    from attempts_and_ends as c
    left join allocation as a on c.toewijzing_nummer = a.toewijzing_nummer and c.client_key = a.client_key
    left join params as p on a.gemeente_code = p.gemeente_code
    group by c.toewijzing_nummer, a.gemeente_code, c.aanbieder_agb, c.client_key, c.reeks
    having count(*) filter (where not c.is_inhoudelijk) > 0
),

due as (
    select
        *,
        if(
            nde_poging is null, null, greatest(nde_poging, cast(begin_reeks + min_dagen as date))
        ) as opschalen_op
    from streaks
)

select
    *,
    row_number() over (partition by toewijzing_nummer, gemeente_code, client_key order by reeks)
        as reeks_nr,
    case
        when
            opschalen_op <= getvariable('peildatum')
            and (contact_op is null or contact_op >= opschalen_op)
            then 'opschalen was nodig'
        when contact_op is not null then 'afgesloten met contact'
        when opschalen_op is not null then 'loopt, opschalen gepland'
        else 'loopt'
    end as status
from due
