-- model: afgewezen_regels
-- title: Declaratieregels die de gemeente in een 325 heeft afgewezen, met de retourcodes
-- reads: models.antwoorden, staging.declaraties
-- reading: RULES.md Conventions (Rejected lines), docs/iwmo.md "325 answers". One row per claim
--   line (debit or credit, by _volgnr) that an answer rejects: listed by referentie_nummer in an
--   answer to its 323 (gemeente + aanbieder + declaratie_nummer), or part of a 323 that an answer
--   rejects as a whole. retourcodes = every code of every answer that rejects the line, distinct,
--   sorted, `;`-separated (two answers to one 323 are a union); geheel = rejected with its whole
--   323. A line of an answered 323 that is not here was accepted (TR342).
with rejecting as (
    select * from models.antwoorden
    where koppeling = 'regel' or geheel_afgewezen
),

hits as (
    select
        d._volgnr,
        d.gemeente_code,
        d.aanbieder_agb,
        d.declaratie_nummer,
        d.referentie_nummer,
        d.debet_credit,
        d.ingediend_bedrag_cents,
        r.retourcodes,
        r.geheel_afgewezen
    from staging.declaraties as d
    inner join rejecting as r
        on
            d.gemeente_code = r.gemeente_code
            and d.aanbieder_agb = r.aanbieder_agb
            and d.declaratie_nummer = r.declaratie_nummer
            and (r.geheel_afgewezen or d.referentie_nummer = r.referentie_nummer)
),

codes as (
    select _volgnr, string_agg(distinct code, ';' order by code) as retourcodes
    from (
        select _volgnr, trim(unnest(string_split(retourcodes, ';'))) as code
        from hits
        where retourcodes is not null
    )
    where code <> ''
    group by _volgnr
),

lines as (
    select
        _volgnr,
        any_value(gemeente_code) as gemeente_code,
        any_value(aanbieder_agb) as aanbieder_agb,
        any_value(declaratie_nummer) as declaratie_nummer,
        any_value(referentie_nummer) as referentie_nummer,
        any_value(debet_credit) as debet_credit,
        any_value(ingediend_bedrag_cents) as ingediend_bedrag_cents,
        bool_or(geheel_afgewezen) as geheel
    from hits
    group by _volgnr
)

select
    l._volgnr,
    l.gemeente_code,
    l.aanbieder_agb,
    l.declaratie_nummer,
    l.referentie_nummer,
    l.debet_credit,
    l.ingediend_bedrag_cents,
    c.retourcodes,
    l.geheel
from lines as l
left join codes as c using (_volgnr)
