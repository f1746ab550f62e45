-- model: declaraties_netto
-- title: Netto declaratieregels: niet gecrediteerd en niet afgewezen
-- reads: models.declaraties_ingediend
-- materialized: view
-- reading: RULES.md Conventions (Net claims, Rejected lines): the lines of
--   models.declaraties_ingediend that no 325 rejected. The net figures of sections 1-6 and 8
--   (uitnutting, no-show, escalatie, vervoer, afwezigheid, stapeling, ...) read this view, so a
--   rejected line counts nowhere there; section 7 reads models.declaraties_ingediend (every
--   line). A view: the table is stored once, and the filter costs a scan of one boolean.
select * exclude (afgewezen)
from models.declaraties_ingediend
where not afgewezen
