-- model: signal_afhandeling
-- title: Wat de gemeente deed met de declaratieregels achter elk signaal (325)
-- reads: signals_current (this run's rule rows), main.signaal_regels (signaal_regels.sql)
-- reading: CONTRACT.md signals (afhandeling, impact_betaald_cents), RULES.md Conventions.
--   afhandeling: null without evidence claim lines; 'afgewezen' when every one was rejected;
--   'deels_afgewezen' when some were; else 'onbekend' when any line's 323 has no answer yet (a
--   contract manager reads 'betaald' as "the money went out", which an unanswered line does not
--   show); else 'betaald'. impact_betaald_cents = the part of impact_cents on lines that were not
--   rejected (paid or not yet answered): impact_cents when none was rejected or the signal has
--   no evidence claim lines (nothing known to be rejected: no-show minutes, absences), 0 when
--   all were, and otherwise impact_cents × the not-rejected lines' share of the evidence
--   lines' ingediend_bedrag_cents (by count when those amounts add up to 0), rounded half up.
--   Only the lines that carry impact count here (signaal_regels.draagt_impact: all of them,
--   except the original and credits of a dubbele_declaratie signal); afhandeling itself is
--   over every evidence claim line, as CONTRACT.md defines it.
--   Proportional, because a rule's impact is not always a sum of line amounts (a tariff
--   difference, an excess × tariff): for the integriteit rules, whose impact is per line and
--   whose lines in one signal share the rule's reason, the share is the lines' own part. The
--   policy rules read net lines only, so their evidence holds no rejected line.
with current_signals as (
    select
        signal_key(
            rule_id, gemeente_code, aanbieder_agb, toewijzing_nummer, client_key, period_start,
            period_end
        ) as signal_id,
        *
    from signals_current
),

per_signal as (
    select
        signal_id,
        count(*) as regels,
        count(*) filter (where afhandeling = 'afgewezen') as afgewezen,
        count(*) filter (where afhandeling = 'onbekend') as onbekend,
        count(*) filter (where draagt_impact) as impact_regels,
        count(*) filter (where draagt_impact and afhandeling = 'afgewezen') as impact_afgewezen,
        coalesce(sum(ingediend_bedrag_cents) filter (where draagt_impact), 0) as bedrag,
        coalesce(
            sum(ingediend_bedrag_cents) filter (where draagt_impact and afhandeling <> 'afgewezen'),
            0
        ) as bedrag_niet_afgewezen
    from main.signaal_regels
    group by signal_id
)

select
    s.*,
    case
        when p.regels is null then null
        when p.afgewezen = p.regels then 'afgewezen'
        when p.afgewezen > 0 then 'deels_afgewezen'
        when p.onbekend > 0 then 'onbekend'
        else 'betaald'
    end as afhandeling,
    case
        when p.regels is null or p.impact_afgewezen = 0 then s.impact_cents
        when p.impact_afgewezen = p.impact_regels then 0
        when p.bedrag > 0 then round_half_up(s.impact_cents * p.bedrag_niet_afgewezen / p.bedrag)
        else round_half_up(s.impact_cents * (p.impact_regels - p.impact_afgewezen) / p.impact_regels)
    end as impact_betaald_cents
from current_signals as s
left join per_signal as p using (signal_id)
