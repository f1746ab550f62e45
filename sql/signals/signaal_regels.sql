-- model: signaal_regels
-- title: De declaratieregels achter elk signaal van deze run, met hun afhandeling (325)
-- reads: signals_current (this run's rule rows), models.declaratie_afhandeling
-- reading: CONTRACT.md signals (evidence, afhandeling). A signal's evidence claim lines are the
--   claim lines (debit or credit) of the signal's gemeente and aanbieder whose
--   referentie_nummer is in `evidence`; contact_ids and afwezigheid_ids match no claim line, and
--   a reused referentie_nummer names every line that has it. One row per signal and line, with
--   the line's afhandeling (afgewezen / geaccepteerd / onbekend), retourcodes and amount; the
--   signals step aggregates it per signal (afhandeling.sql) and compares it with the back
--   office's rejections (lekkage.sql). `draagt_impact`: the line carries part of the signal's
--   impact_cents. True for every line of every rule except integriteit.dubbele_declaratie,
--   whose impact is the amounts of the repeated debit lines: there the original (the signal's
--   first debit line by declaratie_dagtekening, then file order, as the rule orders them; under
--   the same-period check never a rejected line, which the rule counts only after a standing
--   one) and any credit line carry none. So a duplicate the back office rejected while the
--   original was paid has impact_betaald_cents 0, and the paid original is no leakage.
with evidence as (
    select distinct
        signal_key(
            rule_id, gemeente_code, aanbieder_agb, toewijzing_nummer, client_key, period_start,
            period_end
        ) as signal_id,
        rule_id,
        gemeente_code,
        aanbieder_agb,
        unnest(evidence) as referentie_nummer
    from signals_current
),

lines as (
    select distinct
        e.signal_id,
        e.rule_id,
        l._volgnr,
        l.gemeente_code,
        l.aanbieder_agb,
        l.declaratie_nummer,
        l.declaratie_dagtekening,
        l.referentie_nummer,
        l.debet_credit,
        l.ingediend_bedrag_cents,
        l.afhandeling,
        l.retourcodes
    from evidence as e
    inner join models.declaratie_afhandeling as l
        on
            e.referentie_nummer = l.referentie_nummer
            and e.gemeente_code = l.gemeente_code
            and e.aanbieder_agb = l.aanbieder_agb
)

select
    *,
    rule_id <> 'integriteit.dubbele_declaratie'
    or (
        debet_credit = 'D'
        and row_number() over (
            partition by signal_id, debet_credit order by declaratie_dagtekening, _volgnr
        ) > 1
    ) as draagt_impact
from lines
