-- rule: declaratie.meer_dan_geregistreerd
-- title: Meer minuten gedeclareerd dan in de tijdregistratie (contactmomenten) staan
-- source: seed 000 "Voorstel SDD no-show", Wel declareren: "Declaraties zijn herleidbaar tot
--   concreet cliëntcontact"; RULES.md §2
-- uitleg: Declaraties moeten herleidbaar zijn tot cliëntcontact; er zijn meer minuten gedeclareerd dan er in de tijdregistratie staan.
-- actie: crediteren
-- grondslag: Voorstel SDD no-show (declaraties herleidbaar tot concreet cliëntcontact)
-- severity: hoog
-- version: 1
-- reads: models.declaraties_netto, staging.contactmomenten, models.toewijzingen
-- reading: per toewijzing (gemeente + number) and calendar month: net claimed minutes (time claims
--   in a compatible unit; hours × 60) against the sum of minuten_gedeclareerd of all its
--   contactmomenten (any soort) whose gepland_begin falls in that month; contacts match allocations
--   on toewijzing_nummer + client_key. Only months in which the toewijzing has at least one
--   contactmoment (also one with 0 minutes). Whether a registered no-show minute is claimable is
--   left to the noshow rules. impact = excess minutes × the contract tariff of the month's claim
--   lines (the latest begindatum's, per hour) / 60, half up. Period = the month. Evidence = the
--   month's claim lines, then its contact ids.
with claim_lines as not materialized (
    select * from models.declaraties_netto
    where is_tijd and eenheid_compatibel
),

contacts as not materialized (
    select
        t.gemeente_code,
        t.toewijzing_nummer,
        t.aanbieder_agb,
        t.client_key,
        month_start(c.gepland_begin) as maand,
        c.gepland_begin,
        c.contact_id,
        c.minuten_gedeclareerd
    from staging.contactmomenten as c
    inner join models.toewijzingen as t using (toewijzing_nummer, client_key)
),

-- sums first; the evidence lists are built only for the few months that exceed
registered as (
    select
        gemeente_code,
        toewijzing_nummer,
        any_value(aanbieder_agb) as aanbieder_agb,
        any_value(client_key) as client_key,
        maand,
        sum(minuten_gedeclareerd) as minuten_geregistreerd
    from contacts
    group by gemeente_code, toewijzing_nummer, maand
),

claimed as (
    select
        gemeente_code,
        toewijzing_nummer,
        maand,
        sum(volume_vergelijkbaar) as minuten_gedeclareerd,
        count(*) as regels,
        arg_max(contract_tarief_cents, begindatum) as tarief_cents
    from claim_lines
    group by all
),

compared as (
    select
        r.*,
        c.minuten_gedeclareerd,
        c.regels,
        c.minuten_gedeclareerd - r.minuten_geregistreerd as minuten_te_veel,
        round_half_up((c.minuten_gedeclareerd - r.minuten_geregistreerd) * c.tarief_cents / 60.0)
            as impact
    from registered as r
    inner join claimed as c using (gemeente_code, toewijzing_nummer, maand)
    where c.minuten_gedeclareerd > r.minuten_geregistreerd
),

contact_lists as (
    select
        c.gemeente_code,
        c.toewijzing_nummer,
        c.maand,
        list(c.contact_id order by c.gepland_begin, c.contact_id) as contact_ids
    from contacts as c
    semi join compared as f using (gemeente_code, toewijzing_nummer, maand)
    group by c.gemeente_code, c.toewijzing_nummer, c.maand
),

claim_lists as (
    select
        c.gemeente_code,
        c.toewijzing_nummer,
        c.maand,
        list(c.referentie_nummer order by c.begindatum, c.referentie_nummer) as referentie_nummers
    from claim_lines as c
    semi join compared as f using (gemeente_code, toewijzing_nummer, maand)
    group by c.gemeente_code, c.toewijzing_nummer, c.maand
),

findings as (
    select
        f.*,
        k.contact_ids,
        l.referentie_nummers
    from compared as f
    inner join contact_lists as k using (gemeente_code, toewijzing_nummer, maand)
    inner join claim_lists as l using (gemeente_code, toewijzing_nummer, maand)
)

select
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    client_key,
    maand as period_start,
    month_end(maand) as period_end,
    cast(minuten_gedeclareerd as double) as measured,
    cast(minuten_geregistreerd as double) as threshold,
    'minuten' as unit,
    coalesce(impact, 0) as impact_cents,
    list_concat(referentie_nummers, contact_ids) as evidence,
    'Over ' || fmt_datum(maand) || ' t/m ' || fmt_datum(month_end(maand)) || ' is '
    || fmt_num(minuten_gedeclareerd, 0) || if(minuten_gedeclareerd = 1, ' minuut', ' minuten')
    || ' gedeclareerd ('
    || regels || case when regels = 1 then ' regel' else ' regels' end
    || '), maar de tijdregistratie bevat ' || fmt_num(minuten_geregistreerd, 0)
    || if(minuten_geregistreerd = 1, ' minuut; ', ' minuten; ') || fmt_num(minuten_te_veel, 0)
    || case when minuten_te_veel = 1 then ' minuut is' else ' minuten zijn' end
    || ' niet herleidbaar tot cliëntcontact ('
    || if(impact is null, 'bedrag onbekend', fmt_eur(impact)) || ').'
        as message
from findings
