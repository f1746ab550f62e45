-- model: antwoorden
-- title: Antwoorden op declaraties (325) met de declaratie en de regel die ze noemen
-- reads: staging.declaratie_antwoorden, staging.declaraties
-- reading: docs/iwmo.md "325 answers". An answer row belongs to the 323 with the same
--   gemeente_code + aanbieder_agb + declaratie_nummer (declaratie_dagtekening is for display: a
--   325 names its 323 by number). `koppeling`: 'regel' (a listed prestatie that is a line of that
--   323, debit or credit, matched on referentie_nummer), 'regel_onbekend' (a listed prestatie
--   that no line of that 323 has: reported, never dropped), 'declaratie' (the answer as a whole:
--   referentie_nummer null) or 'declaratie_onbekend' (no 323 with that number from that aanbieder
--   to that gemeente). `geheel_afgewezen`: a row about the answer as a whole with a code whose
--   WJ001 `afwijzing` is true (all but 0200, 0233, 8001; staging.retourcodes, loaded with
--   staging.declaratie_antwoorden): every line of that 323 is rejected (TR342). Two answers to
--   one 323 are a union: every row is kept.
with answers as (
    select * from staging.declaratie_antwoorden
),

codes as (
    select code, afwijzing from staging.retourcodes
),

-- the 323s and lines that answers name: a probe of the claim lines into the few answers
answered_claims as (
    select distinct d.gemeente_code, d.aanbieder_agb, d.declaratie_nummer
    from staging.declaraties as d
    semi join answers as a using (gemeente_code, aanbieder_agb, declaratie_nummer)
),

listed_lines as (
    select distinct d.gemeente_code, d.aanbieder_agb, d.declaratie_nummer, d.referentie_nummer
    from staging.declaraties as d
    semi join (select * from answers where referentie_nummer is not null) as a
        using (gemeente_code, aanbieder_agb, declaratie_nummer, referentie_nummer)
),

whole_rejections as (
    select a._volgnr
    from answers as a
    cross join unnest(string_split(a.retourcodes, ';')) as s (code)
    inner join codes as c on trim(s.code) = c.code
    where a.referentie_nummer is null and c.afwijzing
)

select
    a.gemeente_code,
    a.aanbieder_agb,
    a.declaratie_nummer,
    a.declaratie_dagtekening,
    a.referentie_nummer,
    a.retourcodes,
    case
        when k.declaratie_nummer is null then 'declaratie_onbekend'
        when a.referentie_nummer is null then 'declaratie'
        when l.referentie_nummer is null then 'regel_onbekend'
        else 'regel'
    end as koppeling,
    a.referentie_nummer is null and a._volgnr in (select _volgnr from whole_rejections)
        as geheel_afgewezen,
    a._bron,
    a._regel,
    a._volgnr
from answers as a
left join answered_claims as k using (gemeente_code, aanbieder_agb, declaratie_nummer)
left join listed_lines as l using (gemeente_code, aanbieder_agb, declaratie_nummer, referentie_nummer)
