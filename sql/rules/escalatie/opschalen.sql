-- rule: escalatie.opschalen
-- title: Opschalen nodig: minimaal 8 contactpogingen over 8 weken zonder inhoudelijk contact
-- source: seed 000 "Voorstel SDD no-show (vervolg)" (opschalen bij langdurig uitblijven
--   begeleiding, minimaal 8 outreachende pogingen over een aaneengesloten periode van 8 weken);
--   RULES.md §3
-- uitleg: Er zijn minstens 8 contactpogingen over 8 weken gedaan zonder inhoudelijk contact; dan verwacht de gemeente dat de aanbieder opschaalt.
-- actie: toelichten
-- grondslag: Voorstel SDD no-show (vervolg): opschalen na 8 pogingen over 8 weken
-- severity: hoog
-- version: 1
-- reads: models.escalatie_reeksen
-- reading: the streaks of models.escalatie_reeksen for which escalation was due (opschalen_nodig:
--   D <= peildatum and no inhoudelijk contact strictly before D). One signal per streak:
--   period_start = t0, period_end = D (both fixed once the streak is due). measured = attempts
--   in the streak up to peildatum; impact 0 (the money is in escalatie.doordeclareren).
with due as (
    select * from models.escalatie_reeksen
    where opschalen_nodig
)

select
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    client_key,
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
