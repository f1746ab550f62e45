-- model: signals
-- title: Alle signalen van deze run, met pseudoniem, vaste id en levenscyclus
-- reads: meta.run_context, signals_current (union of rules.*), main.signal_history
-- reading: signal_id = hash of rule, gemeente, toewijzing, client_key and period: the same
--   finding in a later run keeps its id. first_seen is the peildatum of the first run that
--   found it; status is `nieuw` in that run and `open` afterwards (a review verdict, once
--   imported, takes precedence).
with current_signals as (
    select
        *,
        client_key(bsn) as client_key
    from signals_current
),

identified as (
    select
        *,
        left(sha256(concat_ws('|', rule_id, coalesce(gemeente_code, ''),
            coalesce(aanbieder_agb, ''), coalesce(toewijzing_nummer, ''), coalesce(client_key, ''),
            cast(period_start as varchar), cast(period_end as varchar))), 32) as signal_id
    from current_signals
)

select
    i.signal_id,
    i.rule_id,
    i.rule_version,
    i.severity,
    i.gemeente_code,
    i.aanbieder_agb,
    i.toewijzing_nummer,
    i.client_key,
    i.period_start,
    i.period_end,
    i.measured,
    i.threshold,
    i.unit,
    i.impact_cents,
    i.evidence,
    i.message,
    getvariable('peildatum') as peildatum,
    coalesce(least(h.first_seen, getvariable('peildatum')), getvariable('peildatum')) as first_seen,
    getvariable('peildatum') as last_seen,
    case
        when h.review_status is not null then h.review_status
        when coalesce(least(h.first_seen, getvariable('peildatum')), getvariable('peildatum'))
            = getvariable('peildatum') then 'nieuw'
        else 'open'
    end as status
from identified as i
left join main.signal_history as h using (signal_id)
