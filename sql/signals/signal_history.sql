-- model: signal_history
-- title: Levenscyclus van elk signaal over de runs heen, met de beoordeling
-- reads: main.signals (this run), main.signal_history (up to the previous run)
-- reading: a signal found in this run takes its current row from main.signals and keeps its
--   review; a signal no longer found keeps its last row, first_seen and last_seen, gets
--   opgelost_op = this run's peildatum (kept from an earlier run when it was already gone) and
--   status `opgelost` unless a review verdict was imported (the verdict takes precedence).
--   A rule not judged in this run (meta.regel_status: a table it reads was unusable, see
--   lib/faults/gates.py) found nothing because it did not look: its signals keep their row.
with current_signals as (
    select * from main.signals
),

history as (
    select * from main.signal_history
),

not_judged_rules as (
    select rule_id from meta.regel_status
),

found as (
    select
        s.*,
        cast(null as date) as opgelost_op,
        h.review_status,
        h.review_notitie,
        h.reviewer,
        h.review_op
    from current_signals as s
    left join history as h using (signal_id)
),

gone as (
    select
        h.* replace (
            coalesce(h.review_status, 'opgelost') as status,
            coalesce(h.opgelost_op, getvariable('peildatum')) as opgelost_op
        )
    from history as h
    anti join current_signals as s using (signal_id)
    anti join not_judged_rules as n using (rule_id)
),

not_judged as (
    select h.*
    from history as h
    semi join not_judged_rules as n using (rule_id)
    anti join current_signals as s using (signal_id)
)

select * from found
union all by name
select * from gone
union all by name
select * from not_judged
