-- model: lekkage
-- title: Onze integriteitsregels naast de retourcodes van de gemeente: afgewezen en gesignaleerd, afgewezen zonder signaal, gesignaleerd en toch betaald
-- reads: main.signaal_regels, main.signals, models.afgewezen_regels, staging.retourcodes
-- reading: issue 17 item 4. Counted in claim lines of this run. indeling 'regel' (one row per
--   integriteit rule that flagged a line or that a retourcode belongs to, staging.retourcodes
--   rule_id from data/reference/iwmo/retourcode_regels.csv): afgewezen_gesignaleerd = lines the
--   rule flagged and the back office rejected (with any code); afgewezen_niet_gesignaleerd =
--   rejected lines carrying a code of the rule's technical rule that the rule did not flag;
--   gesignaleerd_betaald = lines the rule flagged that were accepted (paid although a technical
--   rule says they should have been rejected: the formal control leaked); gesignaleerd_onbekend
--   = flagged lines whose 323 has no answer yet (both: lines that carry impact,
--   signaal_regels.draagt_impact, so a duplicate's paid original is no leakage); lekkage_cents =
--   per signal impact_cents × the accepted lines' share of the amount of its lines that carry
--   impact (as impact_betaald_cents, afhandeling.sql), summed.
--   indeling 'retourcode' (one row per code on a rejected line): afgewezen_gesignaleerd = lines
--   rejected with that code that any rule flagged, afgewezen_niet_gesignaleerd = those that no
--   rule flagged (rejections no rule of ours explains); the flagged-and-paid columns are null.
with flagged as (
    select * from main.signaal_regels
),

rejected as (
    select * from models.afgewezen_regels
),

rejected_codes as (
    select
        r._volgnr,
        trim(s.code) as code
    from rejected as r
    cross join unnest(string_split(coalesce(r.retourcodes, ''), ';')) as s (code)
    where trim(s.code) <> ''
),

codes as (
    select * from staging.retourcodes
),

rules as (
    select distinct rule_id from flagged where rule_id like 'integriteit.%'
    union
    select distinct rule_id from codes where rule_id like 'integriteit.%'
),

signal_shares as (
    select
        f.rule_id,
        s.impact_cents * sum(f.ingediend_bedrag_cents) filter (where f.afhandeling = 'geaccepteerd')
        / nullif(sum(f.ingediend_bedrag_cents), 0) as lekkage
    from flagged as f
    inner join main.signals as s using (signal_id)
    where f.draagt_impact
    group by f.rule_id, f.signal_id, s.impact_cents
),

per_rule as (
    select
        'regel' as indeling,
        r.rule_id as sleutel,
        (
            select string_agg(c.code, ', ' order by c.code) from codes as c
            where c.rule_id = r.rule_id
        ) as omschrijving,
        (
            select count(distinct f._volgnr) from flagged as f
            where f.rule_id = r.rule_id and f.afhandeling = 'afgewezen'
        ) as afgewezen_gesignaleerd,
        (
            select count(distinct x._volgnr)
            from rejected_codes as x
            inner join codes as c on x.code = c.code
            where
                c.rule_id = r.rule_id
                and x._volgnr not in (
                    select f._volgnr from flagged as f where f.rule_id = r.rule_id
                )
        ) as afgewezen_niet_gesignaleerd,
        (
            select count(distinct f._volgnr) from flagged as f
            where f.rule_id = r.rule_id and f.afhandeling = 'geaccepteerd' and f.draagt_impact
        ) as gesignaleerd_betaald,
        (
            select count(distinct f._volgnr) from flagged as f
            where f.rule_id = r.rule_id and f.afhandeling = 'onbekend' and f.draagt_impact
        ) as gesignaleerd_onbekend,
        (
            select coalesce(sum(round_half_up(s.lekkage)), 0) from signal_shares as s
            where s.rule_id = r.rule_id and s.lekkage is not null
        ) as lekkage_cents
    from rules as r
),

per_code as (
    select
        'retourcode' as indeling,
        x.code as sleutel,
        any_value(c.omschrijving) as omschrijving,
        count(distinct x._volgnr) filter (
            where x._volgnr in (select _volgnr from flagged)
        ) as afgewezen_gesignaleerd,
        count(distinct x._volgnr) filter (
            where x._volgnr not in (select _volgnr from flagged)
        ) as afgewezen_niet_gesignaleerd,
        cast(null as bigint) as gesignaleerd_betaald,
        cast(null as bigint) as gesignaleerd_onbekend,
        cast(null as bigint) as lekkage_cents
    from rejected_codes as x
    left join codes as c using (code)
    group by x.code
)

select * from per_rule
union all
select * from per_code
order by indeling, sleutel
