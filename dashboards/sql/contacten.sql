-- query: contacten
-- title: Contactmomenten van de getoonde toewijzingen met pogingen en reeksen (no-show en opschaling)
-- reads: staging.contactmomenten, dash_keuze, models.toewijzingen, staging.regelparameters
-- reading: RULES.md §3. An attempt (poging) is a contactpoging or no_show with resultaat
--   geen_contact or vluchtig. reeks = the number of inhoudelijk contacts strictly before the
--   contact: the attempts between two inhoudelijk contacts share one reeks, and the inhoudelijk
--   contact that ends a reeks carries its number. One row per contact of the toewijzingen in
--   dash_keuze (the few the page shows; the numbering needs all their contacts, so the filter is
--   on the toewijzing, not on the contact).
with contacts as (
    select
        c.*,
        cast(c.gepland_begin as date) as datum,
        c.soort in ('contactpoging', 'no_show') and c.resultaat in ('geen_contact', 'vluchtig')
        as is_poging,
        c.resultaat = 'inhoudelijk' as is_inhoudelijk
    from staging.contactmomenten as c
    where c.toewijzing_nummer in (select k.toewijzing_nummer from dash_keuze as k)
),

allocation as (
    select
        toewijzing_nummer,
        client_key,
        min(gemeente_code) as gemeente_code
    from models.toewijzingen
    where toewijzing_nummer in (select k.toewijzing_nummer from dash_keuze as k)
    group by toewijzing_nummer, client_key
),

params as (
    select
        gemeente_code,
        cast(coalesce(min_pogingen, 8) as integer) as min_pogingen,
        cast(coalesce(min_dagen, 56) as integer) as min_dagen,
        coalesce(noshow_max_minuten, 15) as noshow_max_minuten
    from staging.regelparameters
),

numbered as (
    select
        c.*,
        sum(cast(c.is_inhoudelijk as integer)) over (
            partition by c.toewijzing_nummer, c.client_key order by c.gepland_begin, c.contact_id
            rows between unbounded preceding and current row
        ) - cast(c.is_inhoudelijk as integer) as reeks
    from contacts as c
)

select
    n.toewijzing_nummer,
    a.gemeente_code,
    n.aanbieder_agb,
    n.client_key,
    n.contact_id,
    n.gepland_begin,
    n.datum,
    n.soort,
    n.kanaal,
    n.resultaat,
    n.afgezegd_op,
    n.minuten_gedeclareerd,
    n.is_poging,
    n.is_inhoudelijk,
    n.reeks,
    coalesce(p.min_pogingen, 8) as min_pogingen,
    coalesce(p.min_dagen, 56) as min_dagen,
    coalesce(p.noshow_max_minuten, 15) as noshow_max_minuten,
    if(n.is_poging, row_number() over (
        partition by n.toewijzing_nummer, n.client_key, n.reeks, n.is_poging
        order by n.gepland_begin, n.contact_id
    ), null) as poging_nr
from numbered as n
left join allocation as a on n.toewijzing_nummer = a.toewijzing_nummer and n.client_key = a.client_key
left join params as p on a.gemeente_code = p.gemeente_code
