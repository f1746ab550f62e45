-- model: credits
-- title: Creditregels met de debetregel die ze intrekken
-- reads: staging.declaraties
-- reading: a credit names its debit by vorig_referentie_nummer within the same gemeente and
--   aanbieder. The first credit of a debit (by dagtekening, then file order) cancels it;
--   later credits of the same debit and credits naming no debit are integrity findings.
with claim_lines as (
    select * from staging.declaraties
),

debits as (
    select distinct gemeente_code, aanbieder_agb, referentie_nummer
    from claim_lines
    where debet_credit = 'D'
)

select
    c.*,
    d.referentie_nummer is not null as debet_gevonden,
    row_number() over (
        partition by c.gemeente_code, c.aanbieder_agb, c.vorig_referentie_nummer
        order by c.declaratie_dagtekening, c._volgnr
    ) as volgorde
from claim_lines as c
left join debits as d
    on
        c.gemeente_code = d.gemeente_code
        and c.aanbieder_agb = d.aanbieder_agb
        and c.vorig_referentie_nummer = d.referentie_nummer
where c.debet_credit = 'C'
