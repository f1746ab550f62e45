-- model: vervoer_ritten_per_toewijzing
-- title: Vervoersritten per toewijzing en declaratieperiode, met de ritten van de cliënt
-- reads: models.vervoer_ritten
-- reading: RULES.md §4. One row per toewijzing (gemeente_code, aanbieder_agb, toewijzing_nummer,
--   client_key) and claim period (begindatum-einddatum) of net transport lines; a day line (is_dag)
--   has its day as period. ritten and bedrag_cents are summed over those lines (no evidence list:
--   the rules list the referentie_nummers of their few signals from models.vervoer_ritten).
--   ritten_client = the trips of all the client's (client_key) lines with exactly that period, over
--   all providers and allocations: for a day the client's day-line trips that day, for a period the
--   trips of the client's period lines with that begindatum and einddatum.
with trips as (
    select * from models.vervoer_ritten
),

per_toewijzing as (
    select
        gemeente_code,
        aanbieder_agb,
        toewijzing_nummer,
        client_key,
        begindatum,
        einddatum,
        is_dag,
        sum(geleverd_volume) as ritten,
        sum(ingediend_bedrag_cents) as bedrag_cents
    from trips
    group by gemeente_code, aanbieder_agb, toewijzing_nummer, client_key, begindatum, einddatum, is_dag
)

select
    *,
    sum(ritten) over (partition by client_key, begindatum, einddatum) as ritten_client
from per_toewijzing
