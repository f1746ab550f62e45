"""The warehouse reads of the feedback packs, for many providers at once (one scan per table,
not one per provider). Parameters: $agbs (list), $gemeente, $vanaf, $statuses."""

SIGNALS = """
select s.aanbieder_agb, s.signal_id, s.rule_id, s.severity, s.gemeente_code,
    s.toewijzing_nummer, s.client_key, s.period_start, s.period_end, s.impact_cents, s.evidence,
    s.message, s.first_seen, s.status{extra}
from main.signals as s
where s.aanbieder_agb in (select unnest($agbs::varchar[]))
    and ($gemeente::varchar is null or s.gemeente_code = $gemeente)
    and ($vanaf::date is null or s.period_end is null or s.period_end >= $vanaf)
    and list_contains($statuses::varchar[], s.status)
order by s.rule_id, s.gemeente_code nulls first, s.period_start, s.toewijzing_nummer, s.signal_id
"""
# net claim lines per provider (models.declaraties_netto: uncredited debit lines)
CLAIMS = """
select aanbieder_agb, count(*) as regels,
    coalesce(sum(ingediend_bedrag_cents), 0)::bigint as bedrag_cents,
    min(begindatum) as eerste, max(einddatum) as laatste,
    list(distinct gemeente_code order by gemeente_code) as gemeenten
from models.declaraties_netto
where aanbieder_agb in (select unnest($agbs::varchar[]))
    and ($gemeente::varchar is null or gemeente_code = $gemeente)
    and ($vanaf::date is null or einddatum >= $vanaf)
group by aanbieder_agb
"""
KNOWN = """
select (select count(*) from main.signal_history where aanbieder_agb = $agb)
    + (select count(*) from staging.declaraties where aanbieder_agb = $agb)
    + {names}
"""
PROVIDERS = """
select aanbieder_agb, any_value(naam), any_value(contactpersoon), any_value(email)
from staging.aanbieders where aanbieder_agb in (select unnest($agbs::varchar[]))
group by aanbieder_agb
"""
# one row per evidence line: the provider's claim lines, contactmomenten and allocations, the
# client's absences; a reference found nowhere (or only at another provider) gets one row too.
# A claim line has its afhandeling and retourcodes (models.declaratie_afhandeling; {handled}:
# HANDLED, or NOT_HANDLED for a warehouse without that model), the other rows nulls.
# _pack_refs: (aanbieder_agb, ref, nr, gemeente_code) of the packs' signals.
EVIDENCE = """
with refs as (
    select aanbieder_agb, ref, list(distinct nr order by nr) as signalen,
        list(distinct gemeente_code) filter (where gemeente_code is not null) as gemeenten
    from _pack_refs group by aanbieder_agb, ref
),
claim_lines as (
    select r.aanbieder_agb, 1 as volgorde, 'declaratieregel' as soort,
        d.referentie_nummer as referentie, d.declaratie_nummer, d.declaratie_dagtekening,
        d.gemeente_code, d.toewijzing_nummer,
        d.begindatum as periode_begin, d.einddatum as periode_eind,
        coalesce(d.product_code, d.product_categorie) as product, d.geleverd_volume as volume,
        d.eenheid, d.product_tarief_cents as tarief_cents,
        d.ingediend_bedrag_cents as bedrag_cents,
        d.debet_credit, if(d.debet_credit = 'C',
            'creditregel van ' || coalesce(d.vorig_referentie_nummer, '?'), null) as omschrijving,
        {handled}, r.signalen
    from staging.declaraties as d
    inner join refs as r on d.referentie_nummer = r.ref and d.aanbieder_agb = r.aanbieder_agb
    {handled_join}
    where coalesce(len(r.gemeenten) = 0 or list_contains(r.gemeenten, d.gemeente_code), true)
),
contacts as (
    select r.aanbieder_agb, 2, 'contactmoment', c.contact_id, null, null, null,
        c.toewijzing_nummer, cast(c.gepland_begin as date), cast(c.gepland_begin as date), null,
        c.minuten_gedeclareerd, '01', null, null, null,
        replace(c.soort, '_', '-') || ' via ' || c.kanaal || ' om '
        || strftime(c.gepland_begin, '%H:%M') || ', resultaat ' || replace(c.resultaat, '_', ' ')
        || coalesce(', afgezegd op ' || strftime(c.afgezegd_op, '%d-%m-%Y %H:%M'), ''),
        null, null, r.signalen
    from staging.contactmomenten as c
    inner join refs as r on c.contact_id = r.ref and c.aanbieder_agb = r.aanbieder_agb
),
absences as (
    select r.aanbieder_agb, 3, 'afwezigheid', a.afwezigheid_id, null, null, null, null,
        a.begindatum, a.einddatum, null, null, null, null, null, null,
        'afwezigheid van de cliënt' || if(a.einddatum is null, ', loopt nog', ''),
        null, null, r.signalen
    from staging.afwezigheden as a
    inner join refs as r on a.afwezigheid_id = r.ref
),
allocations as (
    select r.aanbieder_agb, 4, 'toewijzing', t.toewijzing_nummer, null, t.toewijzing_datum,
        t.gemeente_code, t.toewijzing_nummer, t.ingangsdatum, t.einddatum,
        coalesce(t.product_code, t.product_categorie), t.volume, t.eenheid, null, null, null,
        'toewijzing' || coalesce(' met budget ' || fmt_eur(t.budget_cents), ''),
        null, null, r.signalen
    from staging.toewijzingen as t
    inner join refs as r on t.toewijzing_nummer = r.ref and t.aanbieder_agb = r.aanbieder_agb
    where coalesce(len(r.gemeenten) = 0 or list_contains(r.gemeenten, t.gemeente_code), true)
),
found as (
    from claim_lines union all from contacts union all from absences union all from allocations
),
missing as (
    select r.aanbieder_agb, 5, 'overig', r.ref, null, null, null, null, null, null, null, null,
        null, null, null, null,
        'niet bij deze aanbieder gevonden (bewijsstuk van een andere aanbieder, of niet '
        || 'meer in de invoer)', null, null, r.signalen
    from refs as r anti join found as f
        on r.ref = f.referentie and r.aanbieder_agb = f.aanbieder_agb
)
select * exclude (volgorde) from (from found union all from missing)
order by aanbieder_agb, volgorde, referentie, declaratie_nummer nulls first, periode_begin,
    bedrag_cents
"""
HANDLED = {
    "handled": "h.afhandeling, h.retourcodes",
    "handled_join": "left join models.declaratie_afhandeling as h on h._volgnr = d._volgnr",
}
NOT_HANDLED = {
    "handled": "null::varchar as afhandeling, null::varchar as retourcodes",
    "handled_join": "",
}
AFHANDELING_COLUMNS = ("afhandeling", "impact_betaald_cents")
COLUMNS_OF_SIGNALS = """
select column_name from duckdb_columns() where schema_name = 'main' and table_name = 'signals'
"""
