-- rule: integriteit.na_stop_zorg
-- title: Declaratie na de gemelde stop van de zorg (307-bericht)
-- source: iWmo 3.2 stopbericht 307 (TR019: start/stop gerelateerd aan de toewijzing via het
--   ToewijzingNummer; TR326: na een stop kan een nieuwe start volgen); RULES.md §7
-- uitleg: Na de gemelde stop van de zorg (307-bericht) wordt geen zorg meer geleverd en is er niets meer te declareren.
-- actie: crediteren
-- grondslag: iWmo 3.2 stopbericht 307 (TR019)
-- severity: hoog
-- version: 1
-- reads: models.integriteit_zorgperiodes
-- reading: zorgmeldingen match a claim on toewijzing_nummer + aanbieder_agb + client_key. A net
--   (uncredited) debit line is flagged when its whole period lies after a reported stop (the
--   latest 307 datum before begindatum; the stop day itself is the last claimable day) and no
--   305 restarts care after that stop on or before the claim's einddatum (a restart within the
--   period makes it partly claimable). Claims entirely before the first start are
--   voor_start_zorg, not this rule. measured = days between the stop and the claim's begin;
--   impact = the whole amount. Interaction (one signal per problem): only for allocations that
--   exist, are not deleted and have the claimed product, and only for claims inside the
--   allocation's validity (else buiten_toewijzingsperiode); independent of unit, amount and
--   tariff. One signal per toewijzing, client and claim begindatum.
with flagged as (
    select
        *,
        datediff('day', stop_datum, begindatum) as dagen_na_stop,
        referentie_nummer || ' (' || fmt_eur(ingediend_bedrag_cents) || ', '
        || fmt_periode(begindatum, einddatum) || ')' as regel
    from models.integriteit_zorgperiodes
    where
        (start_datum is null or einddatum >= start_datum)
        and stop_datum is not null
        and not herstart
)

select
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    client_key,
    begindatum as period_start,
    max(einddatum) as period_end,
    cast(min(dagen_na_stop) as double) as measured,
    0.0 as threshold,
    'dagen' as unit,
    sum(ingediend_bedrag_cents) as impact_cents,
    list(referentie_nummer order by referentie_nummer) as evidence,
    if(count(*) = 1, 'Declaratie ', 'Declaraties ')
    || string_agg(regel, ', ' order by referentie_nummer)
    || ' op toewijzing ' || toewijzing_nummer
    || if(count(*) = 1, ' ligt', ' liggen') || ' geheel na de stop van de zorg op '
    || fmt_datum(max(stop_datum)) || ' (stopbericht 307).' as message
from flagged
group by gemeente_code, aanbieder_agb, toewijzing_nummer, client_key, begindatum
