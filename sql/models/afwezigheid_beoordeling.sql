-- model: afwezigheid_beoordeling
-- title: Afwezigheden met hun beoordeling: declarabel in beschermd wonen, opname of detentie
-- reads: staging.afwezigheden
-- reading: RULES.md §5, seed 001 "Declareren bij tijdelijke afwezigheid Beschermd Wonen" (lines
--   172-185). Every staged absence plus: `declarabel` = BW days during the absence may be claimed:
--   reden ggz_opname or detentie, terugkeer_beoogd true and andere_financiering not true (null
--   booleans count as "no"); `reden_niet_declarabel` = for the other absences the first condition
--   that fails ('reden <reden>', 'geen terugkeer beoogd', 'andere financiering'), else null;
--   `opname` = reden ziekenhuis, ggz_opname or detentie (seed 002: no claims during admission;
--   terugkeer_beoogd and andere_financiering do not matter there).
select
    *,
    reden in ('ggz_opname', 'detentie')
    and coalesce(terugkeer_beoogd, false)
    and not coalesce(andere_financiering, false) as declarabel,
    case
        when reden not in ('ggz_opname', 'detentie') then 'reden ' || reden
        when not coalesce(terugkeer_beoogd, false) then 'geen terugkeer beoogd'
        when coalesce(andere_financiering, false) then 'andere financiering'
    end as reden_niet_declarabel,
    reden in ('ziekenhuis', 'ggz_opname', 'detentie') as opname
from staging.afwezigheden
