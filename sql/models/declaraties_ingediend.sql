-- model: declaraties_ingediend
-- title: Ingediende debetregels die niet zijn gecrediteerd, ook de afgewezen, met soort, contracttarief, eenheden en hun toewijzing
-- reads: staging.declaraties, staging.producten, models.credits, models.toewijzingen,
--   models.afgewezen_regels
-- reading: RULES.md Conventions (Net claims, Rejected lines). Every debit line that no credit
--   cancels, whether the back office paid or rejected it: the lines section 7 (integriteit)
--   judges. `afgewezen` = listed in a 325 (models.afgewezen_regels); models.declaraties_netto is
--   this table without those lines, the net figures of the policy rules. A credit cancels its
--   debit unless the credit itself was rejected (then the back office did not process it, and
--   the debit stands); a credit of a rejected debit cancels nothing in money (the debit is out of
--   every net figure already) and is not creditering_zonder_debet (it names a debit that exists).
--   Time volumes are expressed in minutes (volume_vergelijkbaar) and
--   amounts in eurocent. The contract tariff is the producten row of the claim's gemeente and
--   product valid on begindatum. A claim line belongs to the month of its begindatum.
--   The allocation (models.toewijzingen, same gemeente + toewijzing_nummer) contributes the
--   columns models.integriteit_regels judges the line on (reden_wijziging, product, validity),
--   so that model is a view over this table instead of a second 10 M-row join and write.
--   The model carries only the columns its readers use (models, rules, dashboards, steekproef;
--   writing wide rows costs most): not debet_credit (always 'D'), vorig_referentie_nummer,
--   _bron, _regel or the allocation's unit.
with claim_lines as not materialized (  -- read twice; a copy of every line would cost more
    select * from staging.declaraties where debet_credit = 'D'
),

rejected as (  -- few lines (listed in a 325, or of a 323 rejected as a whole)
    select _volgnr from models.afgewezen_regels
),

cancelled as (
    select distinct gemeente_code, aanbieder_agb, vorig_referentie_nummer as referentie_nummer
    from models.credits
    where
        debet_gevonden
        and _volgnr not in (select _volgnr from rejected)
),

products as (
    select * from staging.producten
),

net as (
    select l.*
    from claim_lines as l
    anti join cancelled as c using (gemeente_code, aanbieder_agb, referentie_nummer)
),

-- the producten row is looked up once per distinct (gemeente, product, day), not per claim line
-- (keys of all debit lines: a superset of the net lines' keys, and `net` stays a single scan)
product_days as (
    select distinct gemeente_code, product_code, begindatum from claim_lines
),

product_on_day as (
    select
        d.gemeente_code,
        d.product_code,
        d.begindatum,
        p.soort,
        p.tarief_cents as contract_tarief_cents
    from product_days as d
    inner join products as p
        on
            d.gemeente_code = p.gemeente_code
            and d.product_code = p.product_code
            and d.begindatum >= p.geldig_van
            and (p.geldig_tot is null or d.begindatum <= p.geldig_tot)
    qualify row_number() over (
        partition by d.gemeente_code, d.product_code, d.begindatum order by p.geldig_van desc
    ) = 1
),

with_product as (
    select
        n.*,
        p.soort,
        p.contract_tarief_cents
    from net as n
    left join product_on_day as p using (gemeente_code, product_code, begindatum)
)

select
    w.declaratie_nummer,
    w.declaratie_dagtekening,
    w.referentie_nummer,
    w.toewijzing_nummer,
    w.gemeente_code,
    w.aanbieder_agb,
    w.client_key,
    w.product_categorie,
    w.product_code,
    w.begindatum,
    w.einddatum,
    w.geleverd_volume,
    w.eenheid,
    w.product_tarief_cents,
    w.ingediend_bedrag_cents,
    w._volgnr,
    w.soort,
    w.contract_tarief_cents,
    cast(date_trunc('month', w.begindatum) as date) as maand,
    w.begindatum = w.einddatum as is_dag,
    w.eenheid in ('01', '04') as is_tijd,
    w.geleverd_volume * case w.eenheid when '04' then 60 else 1 end as volume_vergelijkbaar,
    t.toewijzing_nummer is not null as toewijzing_gevonden,
    coalesce(w.eenheid = t.eenheid or (t.eenheid = '04' and w.eenheid = '01'), false)
        as eenheid_compatibel,
    t.reden_wijziging as toewijzing_reden_wijziging,
    t.product_categorie as toewijzing_product_categorie,
    t.product_code as toewijzing_product_code,
    t.ingangsdatum,
    t.einddatum as toewijzing_einddatum,
    r._volgnr is not null as afgewezen
from with_product as w
left join models.toewijzingen as t using (gemeente_code, toewijzing_nummer)
left join rejected as r on w._volgnr = r._volgnr
