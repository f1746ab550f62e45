-- model: signals
-- title: Alle signalen van deze run, met pseudoniem, vaste id en levenscyclus
-- reads: meta.run_context, signals_afgehandeld (union of rules.* with afhandeling, see
--   afhandeling.sql), main.signal_history
-- reading: the rules already carry client_key (the BSN never gets past staging).
--   signal_id (macro signal_key, computed in afhandeling.sql) = hash of rule, gemeente,
--   aanbieder, toewijzing, client_key and period: the same
--   finding in a later run keeps its id. first_seen is the peildatum of the first run that
--   found it (kept when a signal was opgelost and comes back); status is the review verdict
--   when one was imported (in_behandeling, terecht, onterecht), else `nieuw` when first_seen is
--   this run's peildatum and `open` otherwise. Signals no longer found stay only in
--   main.signal_history (status opgelost, see signal_history.sql). afhandeling and
--   impact_betaald_cents are not part of the id: a 325 that arrives later changes them, not
--   the signal.
with current_signals as (
    select * from signals_afgehandeld
),

history as (
    select * from main.signal_history
),

dated as (
    select
        i.*,
        h.review_status,
        coalesce(least(h.first_seen, getvariable('peildatum')), getvariable('peildatum'))
            as first_seen
    from current_signals as i
    left join history as h using (signal_id)
)

select
    signal_id,
    rule_id,
    rule_version,
    severity,
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    client_key,
    period_start,
    period_end,
    measured,
    threshold,
    unit,
    impact_cents,
    evidence,
    message,
    afhandeling,
    impact_betaald_cents,
    getvariable('peildatum') as peildatum,
    first_seen,
    getvariable('peildatum') as last_seen,
    case
        when review_status is not null then review_status
        when first_seen = getvariable('peildatum') then 'nieuw'
        else 'open'
    end as status
from dated
