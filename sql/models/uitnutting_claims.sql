-- model: uitnutting_claims
-- title: Declaratieregels die meetellen in de uitnutting van een toewijzing
-- reads: models.toewijzingen, models.declaraties_netto
-- reading: RULES.md §1 and Conventions (Net claims, Units). Allocations in scope (not reden 13,
--   started by peildatum). Counted claims: net lines of the allocation (gemeente + number) with
--   its product (a category-level allocation takes any product of its category), a compatible
--   unit, and begindatum inside the validity (an open-ended allocation has no end here); lines
--   outside it, with another product or an incompatible unit are integriteit findings and left
--   out. hoeveelheid = the volume in comparable units (time in minutes), or net
--   ingediend_bedrag_cents for a budget allocation (volume null). cent_per_eenheid = the line's
--   contract tariff per comparable unit (per minute for time; the claimed tariff when no contract
--   tariff is known), 1 for a budget (hoeveelheid is already eurocent). No running sums here:
--   uitnutting.overschrijding and uitnutting.periode_overschrijding compute them (by begindatum,
--   then referentie_nummer) only over the lines of the allocations / months they flag.
with allocations as (
    select * from models.toewijzingen
    where in_scope
),

claim_lines as (
    select * from models.declaraties_netto
)

select
    a.gemeente_code,
    a.toewijzing_nummer,
    c.referentie_nummer,
    c.begindatum,
    c.maand,
    if(a.volume is null, c.ingediend_bedrag_cents, c.volume_vergelijkbaar) as hoeveelheid,
    case
        when a.volume is null then 1.0
        when a.is_tijd then coalesce(c.contract_tarief_cents, c.product_tarief_cents) / 60.0
        else coalesce(c.contract_tarief_cents, c.product_tarief_cents)
    end as cent_per_eenheid
from allocations as a
inner join claim_lines as c
    on a.gemeente_code = c.gemeente_code and a.toewijzing_nummer = c.toewijzing_nummer
where
    c.eenheid_compatibel
    and c.product_categorie = a.product_categorie
    and (a.product_code is null or c.product_code = a.product_code)
    and c.begindatum >= a.ingangsdatum
    and (a.einddatum is null or c.begindatum <= a.einddatum)
