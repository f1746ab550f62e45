-- model: credits
-- title: Creditregels met de debetregel die ze intrekken
-- reads: staging.declaraties
-- reading: a credit names its debit by vorig_referentie_nummer within the same gemeente and
--   aanbieder. The first credit of a debit (by dagtekening, then file order) cancels it;
--   later credits of the same debit and credits naming no debit are integrity findings.
with claim_lines as not materialized (  -- read twice; a copy of every line would cost more
    select * from staging.declaraties
),

credit_lines as (
    select * from claim_lines
    where debet_credit = 'C'
),

-- only the debits that some credit names: a semi join on the (few) credits instead of a
-- distinct over every debit line (at 10 M lines that aggregate held 4 GB)
debits as (
    select distinct d.gemeente_code, d.aanbieder_agb, d.referentie_nummer
    from claim_lines as d
    semi join credit_lines as c
        on
            d.gemeente_code = c.gemeente_code
            and d.aanbieder_agb = c.aanbieder_agb
            and d.referentie_nummer = c.vorig_referentie_nummer
    where d.debet_credit = 'D'
)

select
    c.*,
    d.referentie_nummer is not null as debet_gevonden,
    row_number() over (
        partition by c.gemeente_code, c.aanbieder_agb, c.vorig_referentie_nummer
        order by c.declaratie_dagtekening, c._volgnr
    ) as volgorde
from credit_lines as c
left join debits as d
    on
        c.gemeente_code = d.gemeente_code
        and c.aanbieder_agb = d.aanbieder_agb
        and c.vorig_referentie_nummer = d.referentie_nummer
