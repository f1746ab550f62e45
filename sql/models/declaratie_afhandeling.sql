-- model: declaratie_afhandeling
-- title: Afhandeling van elke declaratieregel door de gemeente (325): afgewezen, geaccepteerd of onbekend
-- reads: staging.declaraties, models.afgewezen_regels, models.antwoorden
-- materialized: view
-- reading: issue 17, RULES.md Conventions (Rejected lines). Every claim line (debit and credit):
--   'afgewezen' = rejected by a 325 for its gemeente, aanbieder and declaratie (listed, or its
--   whole 323 rejected; retourcodes as in models.afgewezen_regels); 'geaccepteerd' = its 323 was
--   answered (any 325 row that links to it) and the line is not listed (TR342: a 325 lists only
--   rejected prestaties, so the line was paid); 'onbekend' = no answer to its 323 seen. A view:
--   its readers (the signals step, the kwaliteit page) keep a few lines or count per value.
with answered as (
    select distinct gemeente_code, aanbieder_agb, declaratie_nummer
    from models.antwoorden
    where koppeling <> 'declaratie_onbekend'
)

select
    d._volgnr,
    d.gemeente_code,
    d.aanbieder_agb,
    d.declaratie_nummer,
    d.declaratie_dagtekening,
    d.referentie_nummer,
    d.debet_credit,
    d.ingediend_bedrag_cents,
    case
        when r._volgnr is not null then 'afgewezen'
        when a.declaratie_nummer is not null then 'geaccepteerd'
        else 'onbekend'
    end as afhandeling,
    r.retourcodes
from staging.declaraties as d
left join models.afgewezen_regels as r using (_volgnr)
left join answered as a
    on
        d.gemeente_code = a.gemeente_code
        and d.aanbieder_agb = a.aanbieder_agb
        and d.declaratie_nummer = a.declaratie_nummer
